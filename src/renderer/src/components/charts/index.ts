/** Small accessible SVG charts (no chart library): time series, stacked bars, ranked bars, gauge, timeline. */
export { TimeSeriesChart, Legend, type Series, type SeriesPoint, type ThresholdLine, type TimeMarker } from './TimeSeriesChart';
export { StackedBarChart, type BarCategory, type BarStack } from './StackedBarChart';
export { BarList, type BarListItem } from './BarList';
export { Gauge } from './Gauge';
export { EventTimeline, type TimelineEvent } from './EventTimeline';
export * as fmt from './format';
export { Sparkline } from './Sparkline';
