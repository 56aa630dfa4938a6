/** A small dependency-free SVG bar chart. */
import { Box, Typography } from '@mui/material';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export function BarChart({
  data,
  title,
  height = 180,
  formatValue = String,
  testId,
}: {
  data: Bar[];
  title: string;
  height?: number;
  formatValue?: (value: number) => string;
  testId?: string;
}) {
  const width = Math.max(280, data.length * 56);
  const top = 20;
  const bottom = 34;
  const plot = height - top - bottom;
  const max = Math.max(1, ...data.map((d) => d.value));
  const slot = width / Math.max(1, data.length);
  const barWidth = Math.min(40, slot * 0.6);

  if (data.length === 0) {
    return (
      <Typography color="text.secondary" data-testid={testId}>
        No data yet.
      </Typography>
    );
  }
  return (
    <Box sx={{ width: '100%', overflowX: 'auto' }} data-testid={testId}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        role="img"
        aria-label={`${title}: ${data.map((d) => `${d.label} ${formatValue(d.value)}`).join(', ')}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title>{title}</title>
        <line x1={0} x2={width} y1={top + plot} y2={top + plot} stroke="#ccc" />
        {data.map((d, i) => {
          const h = (d.value / max) * plot;
          const x = i * slot + (slot - barWidth) / 2;
          const y = top + plot - h;
          return (
            <g key={`${d.label}-${i}`} data-value={d.value}>
              <rect x={x} y={y} width={barWidth} height={Math.max(h, d.value > 0 ? 2 : 0)} rx={4} fill={d.color ?? '#0b7a3e'} />
              <text x={x + barWidth / 2} y={y - 4} textAnchor="middle" fontSize={11} fill="#333">
                {formatValue(d.value)}
              </text>
              <text x={i * slot + slot / 2} y={height - 12} textAnchor="middle" fontSize={11} fill="#555">
                {d.label.length > 10 ? `${d.label.slice(0, 9)}…` : d.label}
              </text>
            </g>
          );
        })}
      </svg>
    </Box>
  );
}
