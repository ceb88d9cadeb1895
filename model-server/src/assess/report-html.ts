import {
  VERDICT_LABELS,
  allFindings,
  featureNotes,
  findingLine,
  formatCount,
  formatMoney,
  formatNumber,
  formatPValue,
  formatPercent,
  formatPsi,
  formatStatistic,
  formatTestName,
} from './report-format.js';
import type {
  Assessment,
  FeatureAssessment,
  PredictionAssessment,
  PredictionSummary,
  ShadowAssessment,
  TestResult,
} from './types.js';
import { markup, raw, type Markup } from './html-markup.js';
import { histogram, SERIES_COLORS, sum, WIDE_CHART } from './report-histogram.js';

export { SERIES_COLORS } from './report-histogram.js';

/** Background of the verdict badge, per verdict. */
export const VERDICT_COLORS = { ok: '#2e7d32', drift: '#c0392b', empty: '#6b7280' } as const;

/**
 * The assessment as one self-contained HTML page: inline CSS and server-side SVG, no script and
 * no reference to anything outside the file, so it opens offline, in a mail attachment or printed.
 * Every string taken from the data (bin labels and category values come from user traffic) is
 * HTML-escaped by the `markup` template.
 */
export function renderAssessmentHtml(a: Assessment): string {
  const { scope } = a;
  const title = `Drift assessment: ${scope.model} ${scope.version} (${scope.variant})`;
  const page = markup`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>${raw(STYLE)}</style>
  </head>
  <body>
    <main>
      ${header(a)}
      ${findingsSection(a)}
      ${a.features.length > 0 ? featureSections(a.features) : ''}
      ${a.prediction ? predictionSection(a.prediction) : ''}
      ${a.shadow ? shadowSection(a.shadow) : ''}
      <footer>
        Generated ${a.generatedAt}; reading took ${a.seconds.read.toFixed(2)} s, computing
        ${a.seconds.compute.toFixed(2)} s.
      </footer>
    </main>
  </body>
</html>
`;
  return page.text;
}

function header(a: Assessment): Markup {
  const { scope, artifact } = a;
  const findings = allFindings(a).length;
  const verdictNote =
    a.verdict === 'empty'
      ? 'no stored predictions in scope'
      : `${findings} finding${findings === 1 ? '' : 's'}`;
  return markup`<header>
    <h1>Drift assessment <span class="badge badge-${a.verdict}">${VERDICT_LABELS[a.verdict]}</span></h1>
    <p class="subtitle">${scope.model} ${scope.version} (${scope.variant}) · ${verdictNote}</p>
    <dl class="summary">
      <dt>Model</dt>
      <dd>${scope.model} ${scope.version}, variant ${scope.variant}</dd>
      <dt>Window</dt>
      <dd><time>${scope.from}</time> to <time>${scope.to}</time></dd>
      <dt>Rows</dt>
      <dd>${formatCount(a.rows)} stored predictions</dd>
      <dt>Artifact</dt>
      <dd>
        ${artifact.name} ${artifact.version}, ${formatCount(artifact.trainingRows)} training rows, sha256
        <code title="${artifact.sha256}">${artifact.sha256.slice(0, 12)}</code>
      </dd>
      <dt>Thresholds</dt>
      <dd>p &lt; ${formatNumber(a.thresholds.pValue)}, PSI ≥ ${formatNumber(a.thresholds.psi)}</dd>
    </dl>
  </header>`;
}

function findingsSection(a: Assessment): Markup {
  const findings = allFindings(a);
  let body: Markup;
  if (a.verdict === 'empty') body = markup`<p>No stored predictions in scope: nothing to compare.</p>`;
  else if (findings.length === 0)
    body = markup`<p>None: live traffic matches the training profile within the thresholds.</p>`;
  else
    body = markup`<ul class="findings">
      ${findings.map((f) => markup`<li>${findingLine(f)}</li>`)}
    </ul>`;
  return markup`<section id="findings">
    <h2>Findings (${findings.length})</h2>
    ${body}
  </section>`;
}

function featureSections(features: FeatureAssessment[]): Markup {
  const rows = features.map((f, i) => {
    const flagged = f.findings.length > 0;
    return markup`<tr${flagged ? raw(' class="flagged"') : ''}>
      <th scope="row"><a href="#plot-feature-${i}">${f.feature}</a></th>
      <td>${f.kind}</td>
      <td class="num">${formatPercent(f.liveMissingRate)}</td>
      <td class="num">${formatPercent(f.trainingMissingRate)}</td>
      <td class="num">${f.missing ? formatPValue(f.missing.pValue) : '–'}</td>
      <td>${f.distribution ? formatTestName(f.distribution) : '–'}</td>
      <td class="num">${f.distribution ? formatStatistic(f.distribution.statistic) : '–'}</td>
      <td class="num">${f.distribution ? formatPValue(f.distribution.pValue) : '–'}</td>
      <td class="num">${formatPsi(f.psi)}</td>
      <td class="notes">${featureNotes(f).join('; ')}</td>
      <td class="flag">${flagged ? 'DRIFT' : ''}</td>
    </tr>`;
  });
  const figures = features.map((f, i) =>
    figure(
      `plot-feature-${i}`,
      f.findings.length > 0,
      markup`<strong>${f.feature}</strong> <span class="muted">${f.kind}</span>`,
      markup`PSI ${formatPsi(f.psi)}${testNote(f.distribution)}`,
      histogram({
        id: `svg-feature-${i}`,
        title: `${f.feature}: share of rows per bin, training against live`,
        description: `PSI ${formatPsi(f.psi)}.${f.findings.length > 0 ? ` Flagged: ${f.findings.join('; ')}.` : ''}`,
        bins: f.bins,
        reference: `training (${formatCount(sum(f.bins.trainingCounts))})`,
        compared: `live (${formatCount(sum(f.bins.liveCounts))})`,
      }),
    ),
  );
  return markup`<section id="features">
      <h2>Features</h2>
      <div class="table-wrap">
        <table>
          <caption>Live inputs against the training profile, one row per feature</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Kind</th>
              <th scope="col" class="num">Missing live</th>
              <th scope="col" class="num">Missing training</th>
              <th scope="col" class="num">Missing p</th>
              <th scope="col">Test</th>
              <th scope="col" class="num">Statistic</th>
              <th scope="col" class="num">p-value</th>
              <th scope="col" class="num">PSI</th>
              <th scope="col">Notes</th>
              <th scope="col">Flag</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>
    </section>
    <section id="feature-plots">
      <h2>Feature distributions</h2>
      <p class="muted">
        Share of rows per bin: ${legendSwatch('reference')} training, ${legendSwatch('compared')} live. Bins
        after the dashed line hold values unseen in training and missing values.
      </p>
      <div class="plots">${figures}</div>
    </section>`;
}

function predictionSection(p: PredictionAssessment): Markup {
  const row = (name: string, s: PredictionSummary) =>
    markup`<tr>
      <th scope="row">${name}</th>
      <td class="num">${formatCount(s.count)}</td>
      <td class="num">${formatMoney(s.mean)}</td>
      <td class="num">${formatMoney(s.quantiles.p05)}</td>
      <td class="num">${formatMoney(s.quantiles.p50)}</td>
      <td class="num">${formatMoney(s.quantiles.p95)}</td>
    </tr>`;
  return markup`<section id="predictions">
    <h2>Predictions</h2>
    <div class="pair">
      <div>
        <table>
          <caption>Predicted prices (dollars)</caption>
          <thead>
            <tr>
              <th scope="col"></th>
              <th scope="col" class="num">Count</th>
              <th scope="col" class="num">Mean</th>
              <th scope="col" class="num">p05</th>
              <th scope="col" class="num">p50</th>
              <th scope="col" class="num">p95</th>
            </tr>
          </thead>
          <tbody>
            ${row('training', p.training)}${row('live', p.live)}
          </tbody>
        </table>
        <p>
          KS D ${formatStatistic(p.ks.statistic)}, p ${formatPValue(p.ks.pValue)}; PSI
          ${formatPsi(p.psi)}${p.findings.length > 0 ? markup` <span class="flag">DRIFT</span>` : ''}
        </p>
      </div>
      ${figure(
        'plot-predictions',
        p.findings.length > 0,
        markup`<strong>Predictions</strong>`,
        markup`PSI ${formatPsi(p.psi)}${testNote(p.ks)}`,
        histogram({
          id: 'svg-predictions',
          width: WIDE_CHART,
          title: 'Predicted prices: share of predictions per bin, training against live',
          description: `PSI ${formatPsi(p.psi)}, KS p ${formatPValue(p.ks.pValue)}.`,
          bins: p.bins,
          reference: `training (${formatCount(sum(p.bins.trainingCounts))})`,
          compared: `live (${formatCount(sum(p.bins.liveCounts))})`,
        }),
      )}
    </div>
  </section>`;
}

function shadowSection(s: ShadowAssessment): Markup {
  const r = s.relativeDifference;
  const share = s.pairs > 0 ? ` (${formatPercent(s.overTenPercent / s.pairs)})` : '';
  return markup`<section id="shadow">
    <h2>Shadow pairs: candidate ${s.candidateVersion} against master ${s.masterVersion}</h2>
    <div class="pair">
      <div>
        <dl class="summary">
          <dt>Pairs</dt>
          <dd>${formatCount(s.pairs)} requests answered by both</dd>
          <dt>KS</dt>
          <dd>D ${formatStatistic(s.ks.statistic)}, p ${formatPValue(s.ks.pValue)}</dd>
          <dt>Mean difference</dt>
          <dd>${s.meanDifference >= 0 ? '+' : '−'}${formatMoney(Math.abs(s.meanDifference))} dollars (candidate − master)</dd>
          <dt>Over 10 %</dt>
          <dd>${formatCount(s.overTenPercent)} pairs${share}</dd>
        </dl>
        <table>
          <caption>Relative difference to master, over the pairs</caption>
          <thead>
            <tr>
              <th scope="col" class="num">Mean</th>
              <th scope="col" class="num">p50</th>
              <th scope="col" class="num">p95</th>
              <th scope="col" class="num">p99</th>
              <th scope="col" class="num">Max</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              ${[r.mean, r.p50, r.p95, r.p99, r.max].map((v) => markup`<td class="num">${formatPercent(v)}</td>`)}
            </tr>
          </tbody>
        </table>
        ${
          s.findings.length > 0
            ? markup`<ul class="findings">
                ${s.findings.map((f) => markup`<li>${f}</li>`)}
              </ul>`
            : ''
        }
      </div>
      ${figure(
        'plot-shadow',
        s.findings.length > 0,
        markup`<strong>Shadow predictions</strong>`,
        markup`${formatCount(s.pairs)} pairs${testNote(s.ks)}`,
        histogram({
          id: 'svg-shadow',
          width: WIDE_CHART,
          title: `Shadow predictions: share per bin, master ${s.masterVersion} against candidate ${s.candidateVersion}`,
          description: `${formatCount(s.pairs)} pairs; KS p ${formatPValue(s.ks.pValue)}.`,
          bins: s.bins,
          reference: `master ${s.masterVersion}`,
          compared: `candidate ${s.candidateVersion}`,
        }),
      )}
    </div>
  </section>`;
}

/** A plot in a card: a caption line naming it (and the flag), a line of figures, the plot. */
function figure(id: string, flagged: boolean, name: Markup, figures: Markup, plot: Markup): Markup {
  return markup`<figure id="${id}" class="plot${flagged ? ' flagged' : ''}">
    <figcaption>
      <span class="name">${name}${flagged ? markup` <span class="flag">DRIFT</span>` : ''}</span>
      <span class="figures">${figures}</span>
    </figcaption>
    ${plot}
  </figure>`;
}

const testNote = (t: TestResult | null) =>
  t ? ` · ${t.test === 'ks' ? 'KS' : formatTestName(t)} p ${formatPValue(t.pValue)}` : '';

const legendSwatch = (series: keyof typeof SERIES_COLORS) =>
  markup`<span class="swatch" style="background:${SERIES_COLORS[series]}"></span>`;

const STYLE = `
:root { color-scheme: light; --reference: ${SERIES_COLORS.reference}; --compared: ${SERIES_COLORS.compared};
  --drift: ${VERDICT_COLORS.drift}; --ok: ${VERDICT_COLORS.ok}; --empty: ${VERDICT_COLORS.empty};
  --line: #d9dee4; --muted: #5b6672; --flag-bg: #fdeeec; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1f2933;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.subtitle { margin: 0 0 12px; color: var(--muted); }
.badge { display: inline-block; padding: 3px 12px; border-radius: 4px; color: #fff; font-size: 15px;
  letter-spacing: 0.05em; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge-drift { background: var(--drift); } .badge-ok { background: var(--ok); } .badge-empty { background: var(--empty); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.summary dt { color: var(--muted); } dl.summary dd { margin: 0; }
code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 13px; }
ul.findings { margin: 0; padding-left: 20px; } ul.findings li { margin: 2px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; white-space: nowrap; }
dl.summary + table { margin-top: 12px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #9aa5b1; font-weight: 600; white-space: nowrap; }
tbody th { font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
td.notes { min-width: 12em; max-width: 320px; overflow-wrap: break-word; }
tr.flagged { background: var(--flag-bg); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.flag { color: var(--drift); font-weight: 700; }
.muted { color: var(--muted); font-weight: normal; }
a { color: #1d5fa8; }
.swatch { display: inline-block; width: 11px; height: 11px; vertical-align: -1px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 14px; align-items: start; }
figure.plot { margin: 0; padding: 8px 10px 4px; border: 1px solid var(--line); border-radius: 6px; break-inside: avoid; }
figure.plot.flagged { border-color: var(--drift); box-shadow: inset 3px 0 0 var(--drift); }
figcaption { margin-bottom: 2px; }
figcaption .name, figcaption .figures { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
figcaption .figures { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
svg { display: block; width: 100%; height: auto; max-width: 600px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
svg text { font-size: 11px; fill: #3e4c59; font-family: inherit; }
svg .legend text { font-size: 12px; fill: #1f2933; }
svg .grid { stroke: #e8ebef; stroke-width: 1; }
svg .axis { stroke: #7b8794; stroke-width: 1; }
svg .divider { stroke: #9aa5b1; stroke-width: 1; stroke-dasharray: 4 3; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@page { margin: 12mm; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .plots { grid-template-columns: repeat(2, 1fr); }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
}
`;
