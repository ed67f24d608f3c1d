// failedObjectOf: what a failed request was about.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failedObjectOf } from './failure-audit.ts';

describe('failedObjectOf', () => {
  const cases: [string, Parameters<typeof failedObjectOf>[0], string][] = [
    ['the :name in the path', { params: { name: 'east' }, body: { metadata: { name: 'other' } } }, 'east'],
    ['the :url in the path', { params: { url: 'https://git.example.com/a.git' } }, 'https://git.example.com/a.git'],
    ["an object body's metadata.name", { body: { metadata: { name: 'web' } } }, 'web'],
    ["a body's name, then its url", { body: { name: 'west' } }, 'west'],
    ['a body url', { body: { url: 'https://git.example.com/b.git' } }, 'https://git.example.com/b.git'],
    ['nothing named', { body: { metadata: { name: 42 } } }, '*'],
    ['a long name is cut at 512 characters', { params: { name: 'x'.repeat(600) } }, 'x'.repeat(512)],
  ];
  for (const [name, request, expected] of cases) it(name, () => assert.equal(failedObjectOf(request), expected));
});
