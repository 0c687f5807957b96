/** The console's command line: nc and curl against servers the user runs, typed as a user would. */
import { expect, test, type Page } from '@playwright/test';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');

async function open(page: Page) {
  await page.goto('/');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready|就绪/);
}

async function runServer(page: Page, code: string, ready: RegExp) {
  await page.evaluate((text) => window.__procbox?.editorSetValue(text), code);
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(ready);
}

async function command(page: Page, line: string) {
  const input = page.getByTestId('command-line');
  await input.fill(line);
  await input.press('Enter');
}

const procRow = (page: Page, name: string) =>
  page.locator('[data-testid=proc-row]', { hasText: name });

const UPPER_ECHO_SERVER = `import socket
with socket.create_server(("127.0.0.1", 9000)) as server:
    print("listening", flush=True)
    conn, addr = server.accept()
    print("client from", addr[0], flush=True)
    with conn:
        while data := conn.recv(1024):
            conn.sendall(data.upper())
    print("client closed", flush=True)
`;

test('nc: typed lines go to the server, replies come back, Ctrl-D closes', async ({ page }) => {
  await open(page);
  await runServer(page, UPPER_ECHO_SERVER, /listening/);
  await command(page, 'nc 127.0.0.1 9000');
  await expect.poll(() => consoleText(page)).toContain('client from 127.0.0.1');
  await expect(procRow(page, 'nc 127.0.0.1 9000')).toContainText(/ESTAB/);
  // The command line handed the keyboard to the console: typing goes to nc's stdin.
  await page.keyboard.type('hello 世界');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] HELLO 世界$/m);
  await page.keyboard.type('second line');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] SECOND LINE$/m);
  await page.keyboard.press('Control+D');
  await expect.poll(() => consoleText(page)).toContain('client closed');
  await expect(procRow(page, 'nc 127.0.0.1 9000')).toHaveAttribute('data-state', 'exited');
  await expect(page.locator('[data-testid=proc-row][data-pid="1"]')).toHaveAttribute(
    'data-state',
    'exited',
  );
});

test('the command line runs python beside a running server, reading what is typed, and sh pipelines', async ({
  page,
}) => {
  await open(page);
  await runServer(page, UPPER_ECHO_SERVER, /listening/);
  // A second client program, started by hand while the server runs: it reads typed input.
  await command(
    page,
    `python -c "import socket; s = socket.create_connection(('127.0.0.1', 9000)); s.sendall(input().encode()); print('reply:', s.recv(100).decode())"`,
  );
  await expect.poll(() => consoleText(page)).toContain('client from 127.0.0.1');
  await page.keyboard.type('typed by hand');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] reply: TYPED BY HAND$/m);
  await expect.poll(() => consoleText(page)).toContain('client closed');
  // The shell: a pipeline, a redirection, && and a missing command.
  await command(
    page,
    "echo 'a b c' | python -c 'import sys; print(sys.stdin.read().split()[::-1])' > out.txt && cat out.txt",
  );
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] \['c', 'b', 'a'\]$/m);
  await expect(page.locator('[data-testid=tab][data-path="out.txt"]')).toBeVisible();
  await command(page, 'no-such-program; echo status $?');
  await expect.poll(() => consoleText(page)).toContain('sh: 1: no-such-program: not found');
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] status 127$/m);
});

test('nc: Ctrl-C ends nc, not the server; a refused port is reported', async ({ page }) => {
  await open(page);
  await runServer(page, UPPER_ECHO_SERVER, /listening/);
  await command(page, 'nc localhost 9001');
  await expect
    .poll(() => consoleText(page))
    .toContain('nc: connect to 127.0.0.1 port 9001 (tcp) failed: Connection refused');
  await command(page, 'nc localhost 9000');
  await expect.poll(() => consoleText(page)).toContain('client from 127.0.0.1');
  await page.keyboard.press('Control+C');
  await expect(procRow(page, 'nc localhost 9000')).toHaveAttribute('data-state', 'exited');
  await expect.poll(() => consoleText(page)).toContain('client closed');
  await expect.poll(() => consoleText(page)).toMatch(/\[process \d+ was ended by signal 2\]/);
});

const HTTP_SERVER = `import http.server, os
os.makedirs("site", exist_ok=True)
with open("site/hello.txt", "w") as f:
    f.write("hello from the sandbox\\n")
handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory="site")
with http.server.ThreadingHTTPServer(("127.0.0.1", 8000), handler) as server:
    print("serving", flush=True)
    server.serve_forever()
`;

test('curl prints a response; errors read as curl’s; unknown commands are named', async ({
  page,
}) => {
  await open(page);
  await runServer(page, HTTP_SERVER, /serving/);
  await command(page, 'curl http://127.0.0.1:8000/hello.txt');
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] hello from the sandbox$/m);
  // The server's access log shows curl's request line.
  await expect.poll(() => consoleText(page)).toContain('"GET /hello.txt HTTP/1.1" 200 -');
  await command(page, 'curl -i localhost:8000/missing');
  await expect.poll(() => consoleText(page)).toMatch(/HTTP\/1\.0 404 File not found/);
  await expect.poll(() => consoleText(page)).toContain('Content-Type: text/html;charset=utf-8');
  await command(page, "curl -X POST -d 'a=1' http://127.0.0.1:8000/");
  await expect.poll(() => consoleText(page)).toContain('Error code: 501');
  await command(page, 'curl http://127.0.0.1:8001/');
  await expect
    .poll(() => consoleText(page))
    .toMatch(/curl: \(7\) Failed to connect to 127\.0\.0\.1 port 8001 after \d+ ms/);
  await command(page, 'curl http://example.com/');
  await expect
    .poll(() => consoleText(page))
    .toContain('curl: (6) Could not resolve host: example.com');
  await command(page, 'ssh example.com');
  await expect.poll(() => consoleText(page)).toContain('sh: 1: ssh: not found');
  await page.getByTestId('locale').selectOption('zh-CN');
  await command(page, 'help');
  await expect.poll(() => consoleText(page)).toContain('nc [-u] 主机 端口');
  await expect(page.getByTestId('command-line')).toHaveAttribute('aria-label', '命令行');
  // The server still runs: the tools were processes of their own.
  await expect(page.locator('[data-testid=proc-row][data-pid="1"]')).toHaveAttribute(
    'data-state',
    /running|blocked/,
  );
});

test('kill sends a signal from the console: the handler runs, or the default action', async ({
  page,
}) => {
  await open(page);
  await runServer(
    page,
    `import os, signal, time
signal.signal(signal.SIGUSR1, lambda s, f: print("got", signal.Signals(s).name, flush=True))
print("pid", os.getpid(), flush=True)
while True:
    time.sleep(1)
`,
    /pid \d+/,
  );
  const pid = /pid (\d+)/.exec(await consoleText(page))![1];
  await command(page, `kill -USR1 ${pid}`);
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] got SIGUSR1$/m);
  await command(page, 'kill 999');
  await expect.poll(() => consoleText(page)).toContain('kill: (999) - No such process');
  await command(page, 'kill -l');
  await expect.poll(() => consoleText(page)).toContain('HUP INT QUIT ILL');
  await command(page, `kill ${pid}`); // SIGTERM: its default action ends the program
  await expect(page.locator(`[data-testid=proc-row][data-pid="${pid}"]`)).toHaveAttribute(
    'data-state',
    'exited',
  );
});

test('jobs: cmd & runs in the background; jobs, ps, fg and kill %1 work on it', async ({
  page,
}) => {
  await open(page);
  await runServer(
    page,
    `print("ready", flush=True)
while True:
    print("run got", input(), flush=True)
`,
    /ready/,
  );
  const job = `python -c "import time; print('bg start', flush=True); time.sleep(600)"`;
  await command(page, `${job} &`);
  await expect.poll(() => consoleText(page)).toMatch(/^\[1\] \d+$/m);
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] bg start$/m);
  // The foreground is still the run's: typed lines go to it.
  await page.getByTestId('console').click();
  await page.keyboard.type('hello');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toMatch(/^\[1\] run got hello$/m);
  await command(page, 'jobs');
  await expect.poll(() => consoleText(page)).toContain(`[1]+  Running                 ${job} &`);
  // sh -c ran the job's one command in its own place, as dash does: one process, the job's.
  await command(page, 'ps -f');
  await expect
    .poll(() => consoleText(page))
    .toMatch(/^\[\d+\] UID +PID +PPID +C STIME TTY +TIME CMD$/m);
  await expect
    .poll(() => consoleText(page))
    .toMatch(/^\[\d+\] \S+ +2 +0 +0 \d\d:\d\d pts\/0 +00:00:00 python -c import time; print/m);
  await command(page, 'kill %1');
  await expect.poll(() => consoleText(page)).toContain(`[1]+  Terminated              ${job}`);
  await command(page, 'fg');
  await expect.poll(() => consoleText(page)).toContain('fg: current: no such job');
  await command(page, 'kill %3');
  await expect.poll(() => consoleText(page)).toContain('kill: %3: no such job');
  // fg hands the keyboard to a background job; the number 1 is free again.
  await command(page, `python -c "print('job got', input())" &`);
  await expect.poll(async () => (await consoleText(page)).match(/^\[1\] \d+$/gm)?.length).toBe(2);
  await command(page, 'fg %1');
  await expect
    .poll(() => consoleText(page))
    .toMatch(/^python -c "print\('job got', input\(\)\)"$/m);
  await page.keyboard.type('typed');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toMatch(/^\[\d+\] job got typed$/m);
  // The run is still there, and has the keyboard again.
  await page.keyboard.type('again');
  await page.keyboard.press('Enter');
  await expect.poll(() => consoleText(page)).toMatch(/^\[1\] run got again$/m);
  expect(await consoleText(page)).not.toContain('was ended by signal 15');
});
