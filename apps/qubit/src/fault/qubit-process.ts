import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const QUBIT_BIN = fileURLToPath(new URL('../../bin/qubit.js', import.meta.url));

/** A `qubit …` child process whose output lines are kept and can be waited for. */
export class QubitProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private readonly waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [QUBIT_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (buf: Buffer): void => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        this.lines.push(line);
        for (const w of [...this.waiters]) {
          const m = w.re.exec(line);
          if (m) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      }
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** The first output line (already printed or to come) matching `re`; rejects on exit or after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    for (const line of this.lines) {
      const m = re.exec(line);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const waiter = { re, resolve: (m: RegExpExecArray) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no line matching ${re} within ${timeoutMs} ms; output:\n${this.tail()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
      void this.exited.then(({ code, signal }) => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`exited (code ${code}, signal ${signal}) before ${re}; output:\n${this.tail()}`));
      });
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join('\n');
  }
}
