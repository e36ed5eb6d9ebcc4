import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRIPE_ORIGIN } from './seed-commands.js';

export interface CurlResult {
  status: number;
  body: any;
  text: string;
  command: string;
}

/**
 * Runs seed commands through bash exactly as written, after filling placeholders. The commands
 * stay verbatim: curl's own config file (CURL_HOME/.curlrc) makes it quiet and print the HTTP status
 * after the body. Proxy variables are dropped so 127.0.0.1 is reached directly.
 */
export class SeedShell {
  private readonly home = mkdtempSync(join(tmpdir(), 'seed-curl-'));

  constructor(
    private readonly apiUrl: string,
    private readonly secretKey: string,
  ) {
    writeFileSync(join(this.home, '.curlrc'), 'silent\nshow-error\nmax-time = 20\nwrite-out = "\\n%{http_code}"\n');
  }

  fill(command: string, values: Record<string, string> = {}): string {
    let out = command.replaceAll(STRIPE_ORIGIN, this.apiUrl).replaceAll('"<>:"', `"${this.secretKey}:"`).replaceAll('Bearer <>', `Bearer ${this.secretKey}`);
    for (const [name, value] of Object.entries(values)) out = out.replaceAll(`{{${name}}}`, value);
    const left = /\{\{[A-Z_]+\}\}|<>/.exec(out);
    if (left) throw new Error(`placeholder ${left[0]} not filled in: ${out}`);
    return out;
  }

  run(command: string, values: Record<string, string> = {}): Promise<CurlResult> {
    const filled = this.fill(command, values);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, CURL_HOME: this.home, HOME: this.home, NO_PROXY: '*' };
    return new Promise((resolve, reject) => {
      execFile('bash', ['-c', filled], { env, timeout: 30_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`curl failed (${err.message}): ${stderr}\n${filled}`));
        const cut = stdout.lastIndexOf('\n');
        const text = stdout.slice(0, cut);
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // pages and redirects have no JSON body
        }
        resolve({ status: Number(stdout.slice(cut + 1)), body, text, command: filled });
      });
    });
  }

  close(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
