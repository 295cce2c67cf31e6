// The application menu: the expected items with CmdOrCtrl shortcuts (Cmd on macOS, Ctrl elsewhere), and actions.
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

vi.mock('electron', () => ({}));
const { appMenuTemplate, ACCELERATORS } = await import('../../electron/main/appMenu.ts');

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

describe('application menu', () => {
  const actions = { newLibrary: vi.fn(), openLibrary: vi.fn(), addFolder: vi.fn(), openSettings: vi.fn() };

  it.each(['darwin', 'win32', 'linux'] as const)(
    'has new/open library, add folder, settings and quit with shortcuts on %s',
    (platform) => {
      const all = items(appMenuTemplate(actions, { platform, isPackaged: true }));
      const accelerators = all.map((item) => item.accelerator).filter(Boolean);
      expect(accelerators).toEqual(
        expect.arrayContaining(['CmdOrCtrl+N', 'CmdOrCtrl+O', 'CmdOrCtrl+Shift+A', 'CmdOrCtrl+,', 'CmdOrCtrl+Q']),
      );
      expect(new Set(accelerators).size).toBe(accelerators.length);
      expect(all.find((item) => item.accelerator === ACCELERATORS.quit)?.role).toBe('quit');
      expect(all.some((item) => item.role === 'copy')).toBe(true);
      expect(all.some((item) => item.role === 'toggleDevTools')).toBe(false);
      expect(all.some((item) => item.role === 'appMenu')).toBe(platform === 'darwin');
    },
  );

  it('calls the actions', () => {
    const all = items(appMenuTemplate(actions, { platform: 'linux', isPackaged: false }));
    const click = (accelerator: string) =>
      (all.find((item) => item.accelerator === accelerator)?.click as () => void)();
    click(ACCELERATORS.newLibrary);
    click(ACCELERATORS.openLibrary);
    click(ACCELERATORS.addFolder);
    click(ACCELERATORS.settings);
    for (const action of Object.values(actions)) expect(action).toHaveBeenCalledTimes(1);
    expect(all.some((item) => item.role === 'toggleDevTools')).toBe(true);
  });
});
