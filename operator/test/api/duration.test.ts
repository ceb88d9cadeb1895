import test from 'ava';
import { formatDuration, parseDuration } from '../../src/api/duration.js';

const good: [string, number][] = [
  ['500ms', 500],
  ['30s', 30_000],
  ['5m', 300_000],
  ['1h30m', 5_400_000],
  ['1m30s250ms', 90_250],
  ['2h', 7_200_000],
];
for (const [text, ms] of good) {
  test(`parseDuration("${text}") = ${ms}`, (t) => t.is(parseDuration(text, 'spec.x'), ms));
}

const bad = ['', '10', '-5m', '1.5h', '5 m', 'ten', '5d', '0s', '0m0s', 'm5'];
for (const text of bad) {
  test(`parseDuration("${text}") is refused naming the field`, (t) => {
    const err = t.throws(() => parseDuration(text, 'spec.analysis.interval'));
    t.regex(err!.message, /^spec\.analysis\.interval: /);
  });
}

test('formatDuration renders compactly', (t) => {
  t.is(formatDuration(90_000), '1m30s');
  t.is(formatDuration(3_600_000), '1h');
  t.is(formatDuration(600_000), '10m');
  t.is(formatDuration(0), '0ms');
  t.is(formatDuration(1000), '1s');
});
