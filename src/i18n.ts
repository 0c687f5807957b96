/** Every user-visible string, in zh-CN and en. One table: a missing key is a type error. */

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

const en = {
  appTitle: 'Procbox',
  run: 'Run',
  runHint: 'Run (Ctrl+Enter)',
  stop: 'Stop',
  stopHint: 'End every process at once',
  startMethod: 'Start method',
  startMethodHint: "'fork' copies the parent's state into the child; 'spawn' re-imports the script",
  tags: '[pid] tags',
  tagsHint: 'Show which process wrote each line',
  language: 'Language',
  files: 'Files',
  newFile: 'New',
  newFileHint: 'Create a new file',
  renameFile: 'Rename',
  renameFileHint: 'Rename the open file',
  deleteFile: 'Delete',
  deleteFileHint: 'Delete the open file',
  runConfig: 'Runs',
  runConfigHint:
    'Tick files to run them together as top-level processes, in tab order; the last one receives typed input (none ticked: the open file)',
  entryHint: 'Start {name} when Run is pressed',
  foreground: 'receives typed input',
  newFilePrompt: 'Name of the new file:',
  renamePrompt: 'New name for {name}:',
  deleteConfirm: 'Delete {name}? This cannot be undone.',
  deleteLast: 'The workspace needs at least one file.',
  badName_empty: 'A file name cannot be empty.',
  badName_path: 'A file name cannot contain "/", "\\" or "..".',
  badName_control: 'A file name cannot contain control characters.',
  badName_duplicate: 'A file with this name already exists.',
  notPython: '{name} does not end in .py, so it will not be highlighted as Python. Use it anyway?',
  processes: 'Processes',
  noProcesses: 'No processes yet. Press Run.',
  pid: 'PID',
  name: 'Name',
  state: 'State',
  exitCode: 'Exit code',
  waitingOn: 'Waiting on',
  sockets: 'Sockets',
  state_starting: 'starting',
  state_running: 'running',
  state_blocked: 'waiting',
  state_exited: 'exited',
  thread: 'thread',
  exitedWithCode: '[process {pid} exited with code {code}]',
  killedBySignal: '[process {pid} was ended by signal {signal}]',
  booting: 'Starting Python…',
  ready: 'Ready. Press Run (Ctrl+Enter) to start {files}.',
  notReady: 'Python is still starting; try again in a moment.',
  bootFailed: 'The sandbox could not start: {detail}',
  runFailed: 'Run failed: {detail}',
  processLimit: 'Process limit reached ({detail} processes): no more can start.',
  runStarted: '── run: {files} ({method}) ──',
  consoleLabel: 'Console',
  editorLabel: 'Editor',
  commandLabel: 'Command line',
  commandPlaceholder: 'nc 127.0.0.1 8888  ·  curl http://127.0.0.1:8000/  ·  help',
  commandHint:
    'Start a tool beside the running programs, as in a second terminal. While it runs, what you type in the console goes to it',
  commandHelp:
    'Commands:\n  nc [-u] HOST PORT   connect to a server; typed lines are sent, replies printed; Ctrl-D closes, Ctrl-C ends\n  curl [-i] [-I] [-v] [-X METHOD] [-H "Name: value"] [-d DATA] URL   send one HTTP request and print the response\n  clear               clear the console\n  help                this list',
  commandUnknown: '{name}: command not found. Type help for the list.',
  commandUnclosedQuote: 'The command has an unclosed quote.',
  commandNotStarted: 'The command could not start.',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appTitle: 'Procbox',
  run: '运行',
  runHint: '运行（Ctrl+Enter）',
  stop: '停止',
  stopHint: '立即结束所有进程',
  startMethod: '启动方式',
  startMethodHint: "'fork' 把父进程的状态复制给子进程；'spawn' 重新导入脚本",
  tags: '[pid] 标签',
  tagsHint: '显示每一行来自哪个进程',
  language: '语言',
  files: '文件',
  newFile: '新建',
  newFileHint: '新建一个文件',
  renameFile: '重命名',
  renameFileHint: '重命名当前文件',
  deleteFile: '删除',
  deleteFileHint: '删除当前文件',
  runConfig: '运行',
  runConfigHint:
    '勾选的文件按标签顺序一起作为顶层进程运行，最后一个接收键盘输入（都不勾选时运行当前文件）',
  entryHint: '按“运行”时启动 {name}',
  foreground: '接收键盘输入',
  newFilePrompt: '新文件名：',
  renamePrompt: '{name} 的新名字：',
  deleteConfirm: '删除 {name}？此操作无法撤销。',
  deleteLast: '工作区至少需要保留一个文件。',
  badName_empty: '文件名不能为空。',
  badName_path: '文件名不能包含 "/"、"\\" 或 ".."。',
  badName_control: '文件名不能包含控制字符。',
  badName_duplicate: '已有同名文件。',
  notPython: '{name} 不以 .py 结尾，将不会按 Python 高亮。仍然使用这个名字吗？',
  processes: '进程',
  noProcesses: '还没有进程。请按“运行”。',
  pid: 'PID',
  name: '名称',
  state: '状态',
  exitCode: '退出码',
  waitingOn: '等待',
  sockets: '套接字',
  state_starting: '启动中',
  state_running: '运行中',
  state_blocked: '等待中',
  state_exited: '已退出',
  thread: '线程',
  exitedWithCode: '[进程 {pid} 退出，退出码 {code}]',
  killedBySignal: '[进程 {pid} 被信号 {signal} 结束]',
  booting: '正在启动 Python…',
  ready: '就绪。按“运行”（Ctrl+Enter）启动 {files}。',
  notReady: 'Python 仍在启动，请稍后再试。',
  bootFailed: '沙箱无法启动：{detail}',
  runFailed: '运行失败：{detail}',
  processLimit: '已达到进程上限（{detail} 个进程），无法再启动新进程。',
  runStarted: '── 运行：{files}（{method}）──',
  consoleLabel: '控制台',
  editorLabel: '编辑器',
  commandLabel: '命令行',
  commandPlaceholder: 'nc 127.0.0.1 8888  ·  curl http://127.0.0.1:8000/  ·  help',
  commandHint:
    '在运行中的程序旁启动一个工具，就像打开第二个终端。它运行时，在控制台输入的内容都发给它',
  commandHelp:
    '命令：\n  nc [-u] 主机 端口   连接服务器；输入的每一行都会发送，回复会打印出来；Ctrl-D 关闭连接，Ctrl-C 结束\n  curl [-i] [-I] [-v] [-X 方法] [-H "名称: 值"] [-d 数据] URL   发送一个 HTTP 请求并打印响应\n  clear               清空控制台\n  help                显示本列表',
  commandUnknown: '{name}：找不到命令。输入 help 查看命令列表。',
  commandUnclosedQuote: '命令里有未闭合的引号。',
  commandNotStarted: '命令无法启动。',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zh };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The locale for a browser language tag: Chinese of any region → zh-CN, anything else → en. */
export function defaultLocale(language: string | undefined): Locale {
  return (language ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Looks a message up and fills its `{name}` placeholders; an unknown key shows itself. */
export function translate(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const template = messages[locale][key] ?? messages.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
