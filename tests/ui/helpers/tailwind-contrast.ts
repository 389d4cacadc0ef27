import { readFileSync } from "node:fs";
import path from "node:path";

/** Tailwind's palette as the app ships it: `--color-<name>: <css colour>` from the installed theme. */
const THEME = readFileSync(path.resolve(import.meta.dirname, "../../../node_modules/tailwindcss/theme.css"), "utf8");

function themeColour(name: string): string {
  const match = new RegExp(`--color-${name}:\\s*([^;]+);`).exec(THEME);
  if (!match?.[1]) throw new Error(`no Tailwind colour ${name}`);
  return match[1].trim();
}

type Rgb = [number, number, number];

/** oklch(L% C H) → linear sRGB, clipped to the gamut (https://bottosson.github.io/posts/oklab/). */
function oklchToLinearRgb(css: string): Rgb {
  const m = /oklch\(\s*([\d.]+)%\s+([\d.]+)\s+([\d.]+)\s*\)/.exec(css);
  if (!m) throw new Error(`unexpected colour ${css}`);
  const l = Number(m[1]) / 100;
  const c = Number(m[2]);
  const h = (Number(m[3]) * Math.PI) / 180;
  const a = c * Math.cos(h);
  const b = c * Math.sin(h);
  const l_ = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m_ = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s_ = (l - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  return [
    clip(4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_),
    clip(-1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_),
    clip(-0.0041960863 * l_ - 0.7034186147 * m_ + 1.707614701 * s_),
  ];
}

function linearRgb(name: string): Rgb {
  const css = themeColour(name);
  if (css === "#fff") return [1, 1, 1];
  if (css === "#000") return [0, 0, 0];
  return oklchToLinearRgb(css);
}

/** WCAG 2 relative luminance; linear sRGB already, so no transfer curve to undo. */
function luminance([r, g, b]: Rgb): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two Tailwind colours by name ("gray-700", "white"). */
export function contrast(foreground: string, background: string): number {
  const [hi, lo] = [luminance(linearRgb(foreground)), luminance(linearRgb(background))].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}
