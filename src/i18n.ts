/** Every user-visible string, in zh-CN and en. One table: a missing key is a type error. */

export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];

const en = {
  run: 'Run',
  stop: 'Stop',
  startMethod: 'Start method',
  startMethodHint: "'fork' copies the parent's state into the child; 'spawn' re-imports the script",
  tags: '[pid] tags',
  tagsHint: 'Show which process wrote each line',
  language: 'Language',
  files: 'Files',
  newFile: 'New file',
  renameFile: 'Rename',
  deleteFile: 'Delete',
  runConfig: 'Run together',
  runConfigHint:
    'Tick files to run them together as top-level processes, in tab order (none ticked: the open file)',
  newFilePrompt: 'Name of the new file:',
  renamePrompt: 'New name for {name}:',
  deleteConfirm: 'Delete {name}? This cannot be undone.',
  badName: 'A file name must be non-empty, unique, without "/", ".." or control characters.',
  processes: 'Processes',
  pid: 'PID',
  name: 'Name',
  state: 'State',
  exitCode: 'Exit',
  waitingOn: 'Waiting on',
  state_starting: 'starting',
  state_running: 'running',
  state_blocked: 'waiting',
  state_exited: 'exited',
  exitedWithCode: '[process {pid} exited with code {code}]',
  killedBySignal: '[process {pid} was ended by signal {signal}]',
  booting: 'Starting Python…',
  ready: 'Ready. Press Run (Ctrl+Enter) to start {files}.',
  bootFailed: 'The sandbox could not start: {detail}',
  processLimit: 'Process limit reached ({detail} processes): no more can start.',
  runStarted: '── run: {files} ({method}) ──',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  run: '运行',
  stop: '停止',
  startMethod: '启动方式',
  startMethodHint: "'fork' 把父进程的状态复制给子进程；'spawn' 重新导入脚本",
  tags: '[pid] 标签',
  tagsHint: '显示每一行来自哪个进程',
  language: '语言',
  files: '文件',
  newFile: '新建文件',
  renameFile: '重命名',
  deleteFile: '删除',
  runConfig: '一起运行',
  runConfigHint: '勾选的文件按标签顺序一起作为顶层进程运行（都不勾选时运行当前文件）',
  newFilePrompt: '新文件名：',
  renamePrompt: '{name} 的新名字：',
  deleteConfirm: '删除 {name}？此操作无法撤销。',
  badName: '文件名不能为空、不能重复，不能包含 "/"、".." 或控制字符。',
  processes: '进程',
  pid: 'PID',
  name: '名称',
  state: '状态',
  exitCode: '退出码',
  waitingOn: '等待',
  state_starting: '启动中',
  state_running: '运行中',
  state_blocked: '等待中',
  state_exited: '已退出',
  exitedWithCode: '[进程 {pid} 退出，退出码 {code}]',
  killedBySignal: '[进程 {pid} 被信号 {signal} 结束]',
  booting: '正在启动 Python…',
  ready: '就绪。按“运行”（Ctrl+Enter）启动 {files}。',
  bootFailed: '沙箱无法启动：{detail}',
  processLimit: '已达到进程上限（{detail} 个进程），无法再启动新进程。',
  runStarted: '── 运行：{files}（{method}）──',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zh };

export function defaultLocale(language: string): Locale {
  return language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function translate(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  return messages[locale][key].replace(/\{(\w+)\}/g, (_, name: string) =>
    String(params[name] ?? `{${name}}`),
  );
}
