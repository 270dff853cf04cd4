/**
 * chart.js for the monitor's pages, registered once with the platform's font and without
 * animations (a monitor is read, not watched; animations also made refreshes flicker).
 * Imported only by pages that draw charts, so chart.js loads only there.
 */
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'sans-serif';
Chart.defaults.animation = false;

/** The warning colours of app.css, for datasets. */
export const LEVEL_COLOURS = { green: '#2e9e5b', yellow: '#e0a100', red: '#d0312d', grey: '#9aa5b1', blue: '#2f6fb5' } as const;

export { Chart };
