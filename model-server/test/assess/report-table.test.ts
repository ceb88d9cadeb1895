import { readFile } from 'node:fs/promises';
import test from 'ava';
import {
  formatPValue,
  formatPercent,
  formatPsi,
  formatStatistic,
  formatTestName,
} from '../../src/assess/report-format.js';
import { formatAssessmentTable } from '../../src/assess/report-table.js';
import type { Assessment } from '../../src/assess/types.js';
import { FIXTURE_PATH, buildAssessmentFixture } from './assessment-fixture.js';

const ANSI = new RegExp(String.raw`\x1b\[[0-9;]*m`, 'g');

/** The feature table's lines: its header and one line per feature. */
function featureLines(report: string, features: number): string[] {
  const lines = report.split('\n');
  const header = lines.findIndex((line) => line.trimStart().startsWith('FEATURE'));
  return lines.slice(header, header + 1 + features);
}

/** Where each header word of a table line starts and ends. */
function columnsOf(header: string): Map<string, { start: number; end: number }> {
  const columns = new Map<string, { start: number; end: number }>();
  for (const match of header.matchAll(/\S+(?: \S+)*/g)) {
    columns.set(match[0], { start: match.index, end: match.index + match[0].length });
  }
  return columns;
}

test('the stored fixture is what the fixture builder makes', async (t) => {
  const stored = JSON.parse(await readFile(FIXTURE_PATH, 'utf8')) as Assessment;
  t.deepEqual(
    stored,
    buildAssessmentFixture(),
    'regenerate with: npx tsx model-server/test/assess/assessment-fixture.ts --write',
  );
});

test('numbers are formatted for reading', (t) => {
  t.is(formatPValue(3.24e-12), '3.2e-12');
  t.is(formatPValue(0.000999), '1.0e-3');
  t.is(formatPValue(0.0449), '0.045');
  t.is(formatPValue(0.8), '0.80');
  t.is(formatPValue(1), '1.0');
  t.is(formatPValue(0), '< 1e-300');
  t.is(formatPValue(null), 'n/a');
  t.is(formatPsi(0.41749), '0.417');
  t.is(formatPsi(Infinity), 'inf');
  t.is(formatStatistic(0.26638), '0.266');
  t.is(formatStatistic(37.5219), '37.5');
  t.is(formatStatistic(15230.4), '15230');
  t.is(formatPercent(0.029), '2.9%');
  t.is(formatPercent(0.0001), '<0.1%');
  t.is(formatPercent(0), '0.0%');
  t.is(formatTestName({ test: 'chi-square', statistic: 1, pValue: 0.5, dof: 9 }), 'chi2(9)');
});

test('the report has the header, a row per feature, predictions, shadow pairs and findings', (t) => {
  const a = buildAssessmentFixture();
  const report = formatAssessmentTable(a);
  t.false(report.includes('\x1b'), 'no colour unless asked');
  t.true(report.startsWith('Drift assessment: house-price 3.1.0 (candidate)\n'));
  t.regex(report, /^ {2}window {6}2025-05-12T00:00:00Z \.\. 2025-05-19T00:00:00Z$/m);
  t.regex(report, /^ {2}rows {8}4,800 stored predictions$/m);
  t.regex(report, /^ {2}artifact {4}house-price 3\.1\.0, sha256 5afba9bd676c, 1,314 training rows$/m);
  t.regex(report, /^ {2}thresholds {2}p < 0\.001, PSI >= 0\.25$/m);
  t.regex(report, /^ {2}verdict {5}DRIFT \(4 findings\)$/m);

  const lines = featureLines(report, a.features.length);
  t.deepEqual(
    lines.slice(1).map((line) => line.trim().split(/\s+/)[0]),
    a.features.map((f) => f.feature),
  );
  const grLivArea = lines.find((line) => line.trimStart().startsWith('GrLivArea '))!;
  t.regex(grLivArea, /numerical +0\.0% \/ 0\.0% +ks +0\.266 +1\.9e-64 +0\.417 +9 above 5642 +DRIFT$/);
  const bsmtQual = lines.find((line) => line.trimStart().startsWith('BsmtQual '))!;
  t.regex(bsmtQual, /categorical +2\.9% \/ 2\.4% +chi2\(4\) +3\.891 +0\.42 +0\.005 +unseen: "Po" \(3\)$/);
  t.is(lines.filter((line) => line.endsWith('DRIFT')).length, 1);

  t.regex(report, /^ {2}training {2}1,314 {2}180,712 {2}95,512 {2}163,073 {2}322,181$/m);
  t.regex(report, /^ {2}live {6}4,788 {2}191,421 {2}99,804 {2}171,903 {2}341,734$/m);
  t.regex(report, /^ {2}KS D 0\.077, p 8\.0e-6; PSI 0\.039 {2}DRIFT$/m);
  t.regex(report, /^Shadow pairs: candidate 3\.1\.0 vs master 3\.0\.0, 4,788 pairs$/m);
  t.regex(
    report,
    /^ {2}relative difference {2}mean 3\.1% {2}p50 2\.2% {2}p95 8\.7% {2}p99 14\.2% {2}max 38\.1%$/m,
  );
  t.regex(report, /^ {2}mean difference {6}\+2,141 \(candidate - master\)$/m);
  t.regex(report, /^ {2}over 10 % {12}168 pairs \(3\.5%\)$/m);
  t.true(
    report.endsWith(
      'Findings (4)\n' +
        '  - GrLivArea: KS p = 1.9e-64 < 0.001\n' +
        '  - GrLivArea: PSI 0.417 >= 0.25\n' +
        '  - GrLivArea: 9 live values above the training maximum 5642\n' +
        '  - predictions: KS p = 8.0e-6 < 0.001\n',
    ),
  );
  t.false(/ $/m.test(report), 'no trailing spaces');
});

test('feature columns line up: numbers right-aligned under their header, text left-aligned', (t) => {
  const a = buildAssessmentFixture();
  const lines = featureLines(formatAssessmentTable(a), a.features.length);
  const columns = columnsOf(lines[0]);
  t.deepEqual(
    [...columns.keys()],
    ['FEATURE', 'KIND', 'MISSING LIVE/TRAIN', 'TEST', 'STATISTIC', 'P-VALUE', 'PSI', 'NOTES', 'FLAG'],
  );
  a.features.forEach((f, i) => {
    const line = lines[i + 1];
    const right = (name: string, text: string) => {
      const { end } = columns.get(name)!;
      t.is(line.slice(end - text.length, end), text, `${f.feature} ${name}`);
      t.is(line[end - text.length - 1], ' ', `${f.feature} ${name} starts after a space`);
    };
    const left = (name: string, text: string) =>
      t.is(line.slice(columns.get(name)!.start).split('  ')[0], text, `${f.feature} ${name}`);
    left('FEATURE', f.feature);
    left('KIND', f.kind);
    left('TEST', formatTestName(f.distribution!));
    right('STATISTIC', formatStatistic(f.distribution!.statistic));
    right('P-VALUE', formatPValue(f.distribution!.pValue));
    right('PSI', formatPsi(f.psi));
  });
});

test('colour, when asked, marks the verdict and flags without moving the columns', (t) => {
  const a = buildAssessmentFixture();
  const plain = formatAssessmentTable(a);
  const coloured = formatAssessmentTable(a, { color: true });
  t.true(coloured.includes('\x1b[31mDRIFT\x1b[0m (4 findings)'));
  t.true(
    coloured.split('\n').some((line) => line.includes('GrLivArea ') && line.endsWith('\x1b[31mDRIFT\x1b[0m')),
  );
  t.is(coloured.replace(ANSI, ''), plain);
  a.verdict = 'ok';
  t.true(formatAssessmentTable(a, { color: true }).includes('\x1b[32mOK\x1b[0m'));
});

test('odd values from traffic cannot control the terminal or break the table', (t) => {
  const a = buildAssessmentFixture();
  const bsmt = a.features.find((f) => f.feature === 'BsmtQual')!;
  bsmt.unseen = [
    { value: '\u202Eevil\u202C', count: 5 },
    { value: '\x1b[2J\x1b[31mred\nnext line\ttab', count: 2 },
    { value: 'a'.repeat(200), count: 1 },
    { value: 'Po', count: 1 },
  ];
  bsmt.findings = ['unseen value \x1b[2J in 5 rows'];
  a.scope.model = 'house\rprice';
  const report = formatAssessmentTable(a);
  t.false(report.includes('\x1b'));
  t.false(report.includes('\r'));
  t.false(report.includes('\t'));
  t.false(/[\u202a-\u202e]/.test(report));
  t.true(report.startsWith('Drift assessment: house\\x0dprice 3.1.0'));
  t.true(report.includes('  - BsmtQual: unseen value \\x1b[2J in 5 rows\n'));

  const lines = featureLines(report, a.features.length);
  const row = lines.find((line) => line.trimStart().startsWith('BsmtQual '))!;
  const notesStart = columnsOf(lines[0]).get('NOTES')!.start;
  const notes = row.slice(notesStart).split('  ')[0];
  // Cut to the notes width, with the escapes visible.
  t.is(notes, 'unseen: "\\u202eevil\\u202c" (5), "\\u001b[2J\\…');
  t.is([...notes].length, 44);
  t.regex(row, /… {2}DRIFT$/);
  // The other rows keep their columns: the PSI of every row still ends under the header.
  const psiEnd = columnsOf(lines[0]).get('PSI')!.end;
  for (const [i, f] of a.features.entries()) t.is(lines[i + 1].slice(psiEnd - 5, psiEnd), formatPsi(f.psi));
});

test('an empty assessment says there was nothing in scope', (t) => {
  const a: Assessment = {
    ...buildAssessmentFixture(),
    rows: 0,
    features: [],
    prediction: null,
    shadow: null,
    verdict: 'empty',
  };
  const report = formatAssessmentTable(a);
  t.regex(report, /^ {2}verdict {5}EMPTY \(no stored predictions in scope\)$/m);
  t.false(report.includes('FEATURE'));
  t.false(report.includes('Predictions'));
  t.false(report.includes('Shadow'));
  t.true(report.endsWith('Findings (0)\n  none\n'));
});
