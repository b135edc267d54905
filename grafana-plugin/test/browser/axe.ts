// axe-core, injected into a page of the browser test: the accessibility rules of WCAG 2.1 A and AA and
// axe's best practices, run against the page as it is (a drawer or dialog open included).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue } from 'axe-core';

// The harness defines an AMD `define` (Grafana's plugin loader); axe would register with it instead of as
// `window.axe`, so it runs with `define` shadowed.
const AXE_SCRIPT = `(function (define) {\n${readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')}\n})(undefined);`;

/** One rule a page breaks, with where (CSS selectors of the first few elements). */
export interface AxeViolation {
  readonly id: string;
  readonly impact: ImpactValue | undefined;
  readonly help: string;
  readonly targets: readonly string[];
  /** The first element's HTML, shortened. */
  readonly html: string;
}

/** Runs axe in the page and returns every violation, whatever its impact. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SCRIPT });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResults> } }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? undefined,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      html: (v.nodes[0]?.html ?? '').slice(0, 300),
    }));
  });
}

/** The violations that block people: axe's `serious` and `critical`. */
export function blocking(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
