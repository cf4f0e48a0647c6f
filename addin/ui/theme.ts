// The pane follows Office's theme: dark in a dark Office, high contrast when Windows forces
// colours; outside Office, the browser's colour scheme.
import {
  type Theme,
  teamsHighContrastTheme,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';

/** Relative luminance of a #RRGGBB colour, 0 (black) to 1 (white). */
function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return 1;
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function paneTheme(): Theme {
  if (matchMedia('(forced-colors: active)').matches) return teamsHighContrastTheme;
  let background: string | undefined;
  try {
    background = Office.context?.officeTheme?.bodyBackgroundColor;
  } catch {
    background = undefined; // not in Office, or a host without officeTheme
  }
  if (background) return luminance(background) < 0.4 ? webDarkTheme : webLightTheme;
  return matchMedia('(prefers-color-scheme: dark)').matches ? webDarkTheme : webLightTheme;
}
