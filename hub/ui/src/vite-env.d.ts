// Vite's asset imports, for the type checker (the stylesheet is imported for its side effect).
declare module '*.css';
