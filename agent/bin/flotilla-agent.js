#!/usr/bin/env node
// Runs the agent with the Node that npm installed (type stripping loads the TypeScript sources).
import '../src/main.ts';
