// The application menu: what a desktop user expects, with the usual shortcuts (CmdOrCtrl: Cmd on macOS, Ctrl
// elsewhere). Only types from 'electron': main builds the menu from this template.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newLibrary(): void;
  openLibrary(): void;
  addFolder(): void;
  openSettings(): void;
}

export const ACCELERATORS = {
  newLibrary: 'CmdOrCtrl+N',
  openLibrary: 'CmdOrCtrl+O',
  addFolder: 'CmdOrCtrl+Shift+A',
  settings: 'CmdOrCtrl+,',
  quit: 'CmdOrCtrl+Q',
} as const;

/** The menu template for `platform` (macOS gets its app menu); developer tools only in an unpackaged app. */
export function appMenuTemplate(
  actions: MenuActions,
  options: { platform: NodeJS.Platform; isPackaged: boolean },
): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const settings: MenuItemConstructorOptions = {
    label: '设置… Settings…',
    accelerator: ACCELERATORS.settings,
    click: () => actions.openSettings(),
  };
  const quit: MenuItemConstructorOptions = { label: '退出 Quit', role: 'quit', accelerator: ACCELERATORS.quit };
  const library: MenuItemConstructorOptions[] = [
    { label: '新建知识库… New Library…', accelerator: ACCELERATORS.newLibrary, click: () => actions.newLibrary() },
    { label: '打开知识库… Open Library…', accelerator: ACCELERATORS.openLibrary, click: () => actions.openLibrary() },
    { type: 'separator' },
    { label: '添加文件夹… Add Folder…', accelerator: ACCELERATORS.addFolder, click: () => actions.addFolder() },
  ];
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      role: 'appMenu',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        settings,
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        quit,
      ],
    });
    template.push({ label: '文件 File', submenu: [...library, { type: 'separator' }, { role: 'close' }] });
  } else {
    template.push({
      label: '文件 File',
      submenu: [...library, { type: 'separator' }, settings, { type: 'separator' }, quit],
    });
  }
  // Copy and paste in the question box need the Edit menu's roles on macOS.
  template.push({
    label: '编辑 Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: '视图 View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(options.isPackaged ? [] : [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const]),
    ],
  });
  template.push({ role: 'windowMenu' });
  return template;
}
