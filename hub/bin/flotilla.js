#!/usr/bin/env node
// The `flotilla` command line.
import '../src/cli/main.ts';
