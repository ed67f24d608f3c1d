#!/usr/bin/env node
// Runs the bundled agent (`npm run build`, also run by `npm ci` through `prepare`).
try {
  await import('../dist/flotilla-agent.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('flotilla-agent.js')) {
    console.error('flotilla-agent is not built: run `npm run build` in the Flotilla checkout');
    process.exit(2);
  }
  throw error;
}
