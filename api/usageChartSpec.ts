/**
 * The usage chart as a Vega-Lite spec: requests per UTC day over the last 30 days above requests
 * per UTC calendar month over the last 12 months, with the monthly quota as a dashed rule. Pure:
 * a report in, a spec out; api/chartRenderer.ts turns it into SVG and PNG on a fixed canvas.
 *
 * Every time unit and axis format is UTC (`utc…` time units, `utc: true` formats), so the chart
 * names the same days and months as the quota and the text message whatever the host's zone. The
 * layout is fixed (plot sizes, y-axis extents, flush x labels), so the image has one size whatever
 * the numbers, drawn on a canvas of CHART_CANVAS: Slack shows it unscaled, and tests can check it.
 */
import type { TopLevelSpec } from 'vega-lite/build/index';
import type { UsageReport } from '../domain/usageReport';

export const PLOT_WIDTH = 560;
export const PLOT_HEIGHT = 140;
/** The PNG's size: both plots, their axes and titles (about 673 × 416), with room to spare. */
export const CHART_CANVAS = { width: 680, height: 430 } as const;
const Y_AXIS_EXTENT = 64;
const BAR = '#2e7dd1';
const QUOTA = '#d1352e';

const DAY_MS = 86_400_000;

export interface UsageChartInput {
  report: Pick<UsageReport, 'last30d' | 'last12Months'>;
  now: Date;
  /** The environment's monthly quota; null draws no rule. */
  monthlyQuota: number | null;
}

const yAxis = { title: 'requests', format: '~s', tickMinStep: 1, labelFlush: true, minExtent: Y_AXIS_EXTENT, maxExtent: Y_AXIS_EXTENT, titlePadding: 8 };

export function buildUsageChartSpec(input: UsageChartInput): TopLevelSpec {
  const { report, now, monthlyQuota } = input;
  const today = now.getTime() - (now.getTime() % DAY_MS);
  const days = report.last30d.series.map((requests, i) => ({ day: new Date(today - (report.last30d.series.length - 1 - i) * DAY_MS).toISOString(), requests }));
  const months = report.last12Months.map((m) => ({ month: m.start.toISOString(), requests: m.requests }));
  const quotaLayers =
    monthlyQuota === null
      ? []
      : [{ data: { values: [{ quota: monthlyQuota }] }, mark: { type: 'rule' as const, color: QUOTA, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'quota', type: 'quantitative' as const } } }];
  // Every bar is labelled: the year only on the first month and on January, so twelve labels fit.
  const firstMonth = report.last12Months[0]?.start.getTime() ?? 0;
  const monthLabel = `time(datum.value) == ${firstMonth} || utcFormat(datum.value, '%m') == '01' ? utcFormat(datum.value, "%b '%y") : utcFormat(datum.value, '%b')`;
  // Always a subtitle, so the image has the same height with a quota or without.
  const subtitle = monthlyQuota === null ? 'no monthly quota for this environment' : `dashed line: the monthly quota, ${monthlyQuota.toLocaleString('en-US')} requests`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 12,
    config: { font: 'DejaVu Sans', view: { stroke: null }, axis: { labelFontSize: 10, titleFontSize: 11, labelColor: '#333', titleColor: '#333' }, title: { fontSize: 12, subtitleFontSize: 10, anchor: 'start' } },
    spacing: 28,
    vconcat: [
      {
        title: 'Requests per day, last 30 days (UTC)',
        width: PLOT_WIDTH,
        height: PLOT_HEIGHT,
        data: { values: days },
        mark: { type: 'bar', color: BAR },
        encoding: {
          x: { field: 'day', type: 'temporal', timeUnit: 'utcyearmonthdate', title: null, axis: { format: '%b %d', labelFlush: true, tickCount: 6, grid: false } },
          y: { field: 'requests', type: 'quantitative', axis: yAxis },
        },
      },
      {
        title: { text: 'Requests per month, last 12 months (UTC calendar months)', subtitle, subtitleColor: monthlyQuota === null ? '#333' : QUOTA },
        width: PLOT_WIDTH,
        height: PLOT_HEIGHT,
        layer: [
          {
            data: { values: months },
            mark: { type: 'bar', color: BAR },
            encoding: {
              x: { field: 'month', type: 'ordinal', timeUnit: 'utcyearmonth', title: null, axis: { labelAngle: 0, labelOverlap: false, labelExpr: monthLabel } },
              y: { field: 'requests', type: 'quantitative', axis: yAxis },
            },
          },
          ...quotaLayers,
        ],
      },
    ],
  } as TopLevelSpec;
}
