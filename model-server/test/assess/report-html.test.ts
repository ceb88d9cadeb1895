import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { SERIES_COLORS, VERDICT_COLORS, renderAssessmentHtml } from '../../src/assess/report-html.js';
import type { Assessment } from '../../src/assess/types.js';
import { buildAssessmentFixture } from './assessment-fixture.js';
import { dumpDom, screenshot } from './chromium.js';
import { decodePng, type DecodedPng } from './png.js';

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED_SCRIPT = '&#60;script&#62;alert(1)&#60;/script&#62;';

/** The fixture with traffic that tries to inject markup: a category value, a bin label, an attribute break-out. */
function hostileAssessment(): Assessment {
  const a = buildAssessmentFixture();
  const bsmt = a.features.find((f) => f.feature === 'BsmtQual')!;
  bsmt.unseen = [
    { value: SCRIPT, count: 7 },
    { value: 'Po', count: 3 },
  ];
  bsmt.bins.labels[1] = `"><img src=x onerror=alert(2)>`;
  bsmt.findings = [`unseen value ${SCRIPT} in 7 rows`];
  a.scope.variant = `cand<i>idate</i> & 'co'`;
  return a;
}

function emptyAssessment(): Assessment {
  const a = buildAssessmentFixture();
  return { ...a, rows: 0, features: [], prediction: null, shadow: null, verdict: 'empty' };
}

const svgCount = (a: Assessment) => a.features.length + (a.prediction ? 1 : 0) + (a.shadow ? 1 : 0);

/** Markup that would make a browser fetch something or run code (looked for in tags and style, not text). */
const EXTERNAL = [
  /<script/i,
  /<link/i,
  /<iframe/i,
  /<img/i,
  /@import/i,
  /url\(/i,
  /\s(?:src|srcset|href|xlink:href|action|poster)\s*=\s*(?!["']?#)/i,
  /\son[a-z]+\s*=/i,
  /https?:\/\//i,
];

/** The tags and style sheets of a document, without its text: where a reference could hide. */
function markupOf(document: string): string {
  const styles = [...document.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  return [
    ...(document.replace(/<style>[\s\S]*?<\/style>/g, '<style>').match(/<[^>]*>/g) ?? []),
    ...styles,
  ].join('\n');
}

function assertSelfContained(t: ExecutionContext, document: string) {
  const markup = markupOf(document);
  for (const pattern of EXTERNAL) t.notRegex(markup, pattern);
}

test('the page is one self-contained document with one accessible plot per feature, predictions and shadow', (t) => {
  const a = buildAssessmentFixture();
  const page = renderAssessmentHtml(a);
  t.true(page.startsWith('<!doctype html>'));
  assertSelfContained(t, page);
  const svgs = page.match(/<svg\b[^>]*>/g) ?? [];
  t.is(svgs.length, svgCount(a));
  t.is(svgCount(a), 13);
  for (const svg of svgs) t.regex(svg, /role="img"/);
  t.is((page.match(/<svg\b[^>]*>\s*<title id=/g) ?? []).length, svgs.length);
  t.true(page.includes('<th scope="col">Feature</th>'));
  t.true(page.includes('class="badge badge-drift">DRIFT</span>'));
  t.true(page.includes('<li>GrLivArea: PSI 0.417 &#62;= 0.25</li>'));
  // Each feature row links to its plot, and every link target exists.
  for (const [, target] of page.matchAll(/href="#([^"]+)"/g)) t.true(page.includes(`id="${target}"`), target);
  // Bin labels and series names are drawn.
  t.true(page.includes('&#62;= 2169</text>'));
  t.true(page.includes('>(missing)</text>'));
  t.true(page.includes('>master 3.0.0</text>') && page.includes('>candidate 3.1.0</text>'));
  t.true(page.includes('Relative difference to master'));
});

test('strings from traffic are escaped wherever they appear', (t) => {
  const page = renderAssessmentHtml(hostileAssessment());
  t.false(page.includes(SCRIPT));
  t.false(page.includes('<img'));
  t.false(page.includes('<i>idate'));
  assertSelfContained(t, page);
  t.true(page.includes(`unseen: &#34;${ESCAPED_SCRIPT}&#34; (7)`), 'notes column');
  t.true(page.includes(`BsmtQual: unseen value ${ESCAPED_SCRIPT} in 7 rows`), 'findings');
  t.true(page.includes('&#34;&#62;&#60;img src=x onerror=alert(2)&#62;'), 'bin label');
  t.true(page.includes('cand&#60;i&#62;idate&#60;/i&#62; &#38; &#39;co&#39;'), 'scope');
});

test('an empty assessment says so and draws nothing', (t) => {
  const page = renderAssessmentHtml(emptyAssessment());
  t.true(page.includes('class="badge badge-empty">EMPTY</span>'));
  t.true(page.includes('No stored predictions in scope'));
  t.false(page.includes('<svg'));
  t.false(page.includes('<table'));
});

test('a plot with no live rows keeps its training bars and an empty live series', (t) => {
  const a = buildAssessmentFixture();
  const lot = a.features[0];
  lot.bins.liveCounts = lot.bins.liveCounts.map(() => 0);
  const page = renderAssessmentHtml(a);
  const plot = page.slice(page.indexOf('id="plot-feature-0"'), page.indexOf('id="plot-feature-1"'));
  t.is((plot.match(new RegExp(`fill="${SERIES_COLORS.reference}"`, 'g')) ?? []).length, 10 + 1);
  t.is((plot.match(new RegExp(`fill="${SERIES_COLORS.compared}"`, 'g')) ?? []).length, 1, 'legend only');
  t.notRegex(plot, /NaN|Infinity/);
});

// The browser checks run one at a time: each Chromium takes a core for a second or two.

test.serial('the PNG decoder reads a Chromium screenshot of a page of known colours', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'report-png-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'blocks.html');
  await writeFile(
    file,
    '<!doctype html><style>body{margin:0}div{height:100px}</style>' +
      '<div style="background:#c0392b"></div><div style="background:#4e79a7;width:50%"></div>',
  );
  const image = decodePng(await screenshot(file, { width: 400, height: 300 }));
  t.is(image.width, 400);
  t.is(image.height, 300);
  t.deepEqual(pixel(image, 10, 10), [0xc0, 0x39, 0x2b, 255]);
  t.deepEqual(pixel(image, 390, 90), [0xc0, 0x39, 0x2b, 255]);
  t.deepEqual(pixel(image, 10, 150), [0x4e, 0x79, 0xa7, 255]);
  t.deepEqual(pixel(image, 300, 150), [255, 255, 255, 255]);
  t.deepEqual(pixel(image, 200, 299), [255, 255, 255, 255]);
});

test.serial('Chromium draws the report: text, the verdict badge and coloured plots', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'report-html-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'assessment.html');
  await writeFile(file, renderAssessmentHtml(buildAssessmentFixture()));
  const image = decodePng(await screenshot(file, { width: 1280, height: 2000 }));
  t.is(image.width, 1280);
  t.is(image.height, 2000);

  const stats = colourStats(image);
  t.log(
    `non-white ${(stats.nonWhite * 100).toFixed(1)} %, distinct colours ${stats.distinct}, ` +
      `badge ${stats.badgeTop} px, training bars ${stats.reference} px, live bars ${stats.compared} px`,
  );
  // A blank or unstyled page fails these: the report fills a good part of the screen...
  t.true(stats.nonWhite > 0.08, `only ${(stats.nonWhite * 100).toFixed(1)} % of pixels are not white`);
  // ...the red DRIFT badge is in the header...
  t.true(stats.badgeTop > 800, `verdict badge colour: ${stats.badgeTop} px in the header`);
  // ...both series of bars are drawn...
  t.true(stats.reference > 20_000, `training bars: ${stats.reference} px`);
  t.true(stats.compared > 20_000, `live bars: ${stats.compared} px`);
  // ...and text and plots give many colours (anti-aliasing, two series, badge, highlights).
  t.true(stats.distinct > 300, `${stats.distinct} distinct colours`);
});

test.serial(
  'Chromium parses the report into the expected plots, with no script and no external resource',
  async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'report-dom-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const a = hostileAssessment();
    const file = path.join(dir, 'assessment.html');
    await writeFile(file, renderAssessmentHtml(a));
    const dom = await dumpDom(file);
    t.true(dom.includes('</html>'), 'a whole document');
    t.is((dom.match(/<svg\b/g) ?? []).length, svgCount(a));
    t.is(
      (dom.match(/<svg\b[^>]*role="img"[^>]*>\s*<title id="[^"]+">[^<]+<\/title>/g) ?? []).length,
      svgCount(a),
    );
    t.is((dom.match(/<rect\b/g) ?? []).length > 200, true);
    t.is((dom.match(/<tr\b/g) ?? []).length, 1 + a.features.length + 3 + 2);
    assertSelfContained(t, dom);
    t.false(dom.includes('<img'));
    // The hostile value arrived as text, not as an element.
    t.true(dom.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  },
);

function pixel(image: DecodedPng, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.pixels.subarray(at, at + 4)];
}

function colourStats(image: DecodedPng) {
  const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const [badge, reference, compared] = [
    VERDICT_COLORS.drift,
    SERIES_COLORS.reference,
    SERIES_COLORS.compared,
  ].map(hex);
  const same = (p: Uint8Array, i: number, c: number[]) =>
    p[i] === c[0] && p[i + 1] === c[1] && p[i + 2] === c[2];
  const colours = new Set<number>();
  let nonWhite = 0;
  let badgeTop = 0;
  let referencePixels = 0;
  let comparedPixels = 0;
  const { pixels, width } = image;
  for (let i = 0; i < pixels.length; i += 4) {
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    if (pixels[i] < 250 || pixels[i + 1] < 250 || pixels[i + 2] < 250) nonWhite++;
    if (same(pixels, i, badge) && i / 4 / width < 120) badgeTop++;
    if (same(pixels, i, reference)) referencePixels++;
    if (same(pixels, i, compared)) comparedPixels++;
  }
  return {
    nonWhite: nonWhite / (pixels.length / 4),
    distinct: colours.size,
    badgeTop,
    reference: referencePixels,
    compared: comparedPixels,
  };
}
