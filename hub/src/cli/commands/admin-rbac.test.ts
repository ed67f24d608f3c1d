// Reading policy files for `admin rbac`: policy.csv text or an argocd-rbac-cm ConfigMap, and the
// validate report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeIssues, settingsOfFile } from './admin-rbac.ts';

describe('settingsOfFile', () => {
  // name | file name | text | policy.csv read | policy.default read | read as csv
  const cases: [string, string, string, string, string, boolean][] = [
    ['policy.csv lines', 'policy.csv', 'p, role:x, clusters, get, *, allow\ng, a, role:x\n', 'p, role:x, clusters, get, *, allow\ng, a, role:x\n', '', true],
    ['csv lines in a file of another name', 'rules.txt', 'g, alice, role:admin', 'g, alice, role:admin', '', true],
    ['only comments', 'rules', '# nothing yet\n', '# nothing yet\n', '', true],
    ['an argocd-rbac-cm ConfigMap', 'argocd-rbac-cm.yaml', 'kind: ConfigMap\ndata:\n  policy.csv: |\n    g, a, role:admin\n  policy.default: role:readonly\n', 'g, a, role:admin\n', 'role:readonly', false],
    ['a .csv name is csv even when it reads as YAML', 'x.csv', 'a: b', 'a: b', '', true],
  ];
  for (const [name, file, text, csv, defaultRole, isCsv] of cases) {
    it(name, () => {
      const read = settingsOfFile(file, text);
      assert.equal(read.settings.policyCsv, csv);
      assert.equal(read.settings.policyDefault, defaultRole);
      assert.equal(read.csv, isCsv);
    });
  }
  it('refuses a YAML object that is not an argocd-rbac-cm', () => {
    assert.throws(() => settingsOfFile('s.yaml', 'kind: Secret\n'), { message: 's.yaml: expected a ConfigMap, not a Secret' });
  });
});

describe('describeIssues', () => {
  it('names the file and line of each issue', () => {
    assert.equal(describeIssues('p.csv', [{ line: 2, message: 'bad' }, { line: 0, message: 'worse' }]), 'p.csv:2: bad\np.csv: worse');
    assert.equal(describeIssues('p.csv', []), 'p.csv: the policy is valid');
  });
});
