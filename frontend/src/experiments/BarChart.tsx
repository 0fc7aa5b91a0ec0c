/** Horizontal bars of one metric per variant, in plain SVG. */
import type { Bar } from "./results";

export function BarChart({ bars, format, colors, title }: { bars: Bar[]; format(v: number | null): string; colors: string[]; title: string }) {
  const rowH = 26;
  const labelW = 90;
  const valueW = 84;
  const width = 340;
  const barW = width - labelW - valueW;
  const height = bars.length * rowH + 6;
  return (
    <svg className="bar-chart" role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }} data-testid="bar-chart">
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = i * rowH + 4;
        const w = Math.max(b.value === null ? 0 : 2, b.fraction * barW);
        return (
          <g key={String(b.variant)}>
            <text x={labelW - 8} y={y + rowH / 2} textAnchor="end" dominantBaseline="middle" className="bar-label">
              {b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label}
            </text>
            <rect x={labelW} y={y + 3} width={barW} height={rowH - 8} rx={3} className="bar-track" />
            <rect x={labelW} y={y + 3} width={w} height={rowH - 8} rx={3} fill={colors[i]} opacity={b.best ? 1 : 0.6} />
            <text x={labelW + barW + 8} y={y + rowH / 2} dominantBaseline="middle" className={`bar-value${b.best ? " is-best" : ""}`}>
              {format(b.value)}{b.best ? " ★" : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
