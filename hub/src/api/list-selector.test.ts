// Label selectors as Argo CD's --selector (Kubernetes' labels.Parse) reads them: the parse of each
// form, the errors, and what a parsed selector matches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesSelector, parseSelector, type Requirement } from './list-selector.ts';

describe('parseSelector', () => {
  // text | requirements
  const parsed: [string, Requirement[]][] = [
    ['', []],
    ['   ', []],
    ['env=prod', [{ key: 'env', op: '=', value: 'prod' }]],
    ['env==prod', [{ key: 'env', op: '=', value: 'prod' }]],
    ['env != prod', [{ key: 'env', op: '!=', value: 'prod' }]],
    ['env=', [{ key: 'env', op: '=', value: '' }]],
    ['env=,tier', [{ key: 'env', op: '=', value: '' }, { key: 'tier', op: 'exists' }]],
    ['tier', [{ key: 'tier', op: 'exists' }]],
    ['!tier', [{ key: 'tier', op: 'notexists' }]],
    ['env in (prod, staging)', [{ key: 'env', op: 'in', values: ['prod', 'staging'] }]],
    ['env notin (dev)', [{ key: 'env', op: 'notin', values: ['dev'] }]],
    ['app.kubernetes.io/part-of=shop,env in (a,b),!legacy', [
      { key: 'app.kubernetes.io/part-of', op: '=', value: 'shop' },
      { key: 'env', op: 'in', values: ['a', 'b'] },
      { key: 'legacy', op: 'notexists' },
    ]],
    ['in=x', [{ key: 'in', op: '=', value: 'x' }]],
  ];
  for (const [text, requirements] of parsed) {
    it(`parses ${JSON.stringify(text)}`, () => assert.deepEqual(parseSelector(text), { requirements }));
  }

  // text | the error names
  const refused: [string, RegExp][] = [
    ['env=prod,', /expected a requirement after ","/],
    [',env', /expected a label key, found ","/],
    ['env prod', /expected an operator after "env".*found "prod"/],
    ['env in prod', /expected "\(" after "in"/],
    ['env in (a', /expected "," or "\)"/],
    ['env in ()', /the values of "in" cannot be empty/],
    ['replicas>2', /the operator ">" is not supported/],
    ['-env=x', /invalid label key "-env"/],
    ['Bad_Prefix/env=x', /the prefix must be a DNS subdomain/],
    [`env=${'x'.repeat(64)}`, /invalid label value/],
    ['env=a b', /expected "," between requirements, found "b"/],
    ['!', /expected a label key after "!" at the end/],
    ['env=(x)', /expected a value, found "\("/],
  ];
  for (const [text, error] of refused) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const result = parseSelector(text);
      assert.ok('error' in result, JSON.stringify(result));
      assert.match(result.error, error);
      assert.match(result.error, /^invalid selector "/);
    });
  }
});

describe('matchesSelector', () => {
  const labels = { env: 'prod', tier: 'web', empty: '' };
  // selector | labels | matches
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', undefined, true],
    ['env=prod', labels, true],
    ['env=dev', labels, false],
    ['env!=dev', labels, true],
    ['env!=prod', labels, false],
    ['missing!=x', labels, true],
    ['tier', labels, true],
    ['missing', labels, false],
    ['!missing', labels, true],
    ['!tier', labels, false],
    ['env in (dev,prod)', labels, true],
    ['env in (dev)', labels, false],
    ['missing in (x)', labels, false],
    ['env notin (dev)', labels, true],
    ['env notin (prod)', labels, false],
    ['missing notin (x)', labels, true],
    ['empty=', labels, true],
    ['missing=', labels, false],
    ['env=prod,tier=web', labels, true],
    ['env=prod,tier=db', labels, false],
    ['tier', undefined, false],
    ['!tier', undefined, true],
  ];
  for (const [text, given, expected] of cases) {
    it(`${JSON.stringify(text)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(given)}`, () => {
      const parsed = parseSelector(text);
      assert.ok('requirements' in parsed);
      assert.equal(matchesSelector(given, parsed.requirements), expected);
    });
  }
});
