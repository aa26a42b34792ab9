// Loads ferry's report.html offline in the system's Chromium (playwright-core, no
// downloaded browser), checks the rows, clicks one into its source/generated panel,
// follows a link to its generated lines, and takes screenshots.
// Usage: node check.mjs CHROMIUM REPORT.html EXPECTED_ROWS PAGE.png PANEL.png
import { chromium } from "playwright-core";

const [executablePath, report, expectedRows, pageShot, panelShot] = process.argv.slice(2);
const fail = (msg) => {
  console.log(`FAIL ${msg}`);
  process.exit(1);
};

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${report}`);

  const rows = await page.locator("tr.row").count();
  if (rows !== Number(expectedRows)) fail(`${rows} rows, expected ${expectedRows}`);
  if ((await page.locator("#dag svg").count()) !== 1) fail("no inline SVG graph");
  if (await page.locator("article.construct").first().isVisible()) fail("a panel is open before any click");

  // The first row with generated lines mapped to it, preferring a step.
  const index = await page.evaluate(() => {
    const withGen = [...document.querySelectorAll("article.construct")].filter((a) =>
      a.querySelector(".gen-link"),
    );
    const step = withGen.find((a) => a.querySelector("h3 small")?.textContent.includes("steps/"));
    return (step ?? withGen[0])?.id.slice(2) ?? null;
  });
  if (index === null) fail("no construct has generated lines");

  await page.locator(`#row-${index} a.row-link`).first().click();
  const panel = page.locator(`#c-${index}`);
  if (!(await panel.isVisible())) fail(`panel c-${index} did not open`);
  const source = (await panel.locator(".source-lines").textContent()) ?? "";
  const generated = (await panel.locator(".generated-lines").first().textContent()) ?? "";
  if (!source.trim() || !generated.trim()) fail("a side of the panel is empty");
  await panel.screenshot({ path: panelShot });

  const link = panel.locator(".gen-link").first();
  const href = await link.getAttribute("href");
  await link.click();
  const hash = await page.evaluate(() => location.hash);
  if (hash !== href) fail(`hash ${hash} after following ${href}`);
  const block = page.locator(href);
  if (!(await block.isVisible())) fail(`${href} is not visible`);
  if (!(await panel.isVisible())) fail("the panel closed when following its link");
  const blockText = (await block.textContent()) ?? "";
  await page.screenshot({ path: pageShot, fullPage: true });

  const foreign = requests.filter((u) => !u.startsWith("file://"));
  if (foreign.length) fail(`network requests: ${foreign.join(", ")}`);
  console.log(
    JSON.stringify({ ok: true, rows, index, href, blockText: blockText.slice(0, 200), source: source.slice(0, 200) }),
  );
} finally {
  await browser.close();
}
