import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { compression, webUi } from '../../src/api/static.ts';
import { routeTable, WEB_SRC } from '../../scripts/build-web.ts';
import { startServer, type TestServer } from '../helpers/api.ts';

/** A raw GET (no transparent decompression, unlike fetch): status, headers and the bytes sent. */
function rawGet(url: string, acceptEncoding?: string, cookie?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
    if (cookie) headers.authorization = cookie;
    http
      .get(url, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

describe('web delivery: compressed, fingerprinted files cached for a year, pages and data compressed on the fly (issue 14)', () => {
  const script = `export const words = ${JSON.stringify('待办事项 '.repeat(2000))};\n`;
  let dir: string;
  let server: http.Server;
  let base: string;

  before(async () => {
    // Given a built UI as scripts/build-web.ts writes it: hashed assets with .br and .gz beside them.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    const asset = path.join(dir, 'assets', 'app-ABCD1234.js');
    fs.writeFileSync(asset, script);
    fs.writeFileSync(`${asset}.br`, zlib.brotliCompressSync(script));
    fs.writeFileSync(`${asset}.gz`, zlib.gzipSync(script));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><head><title>平台</title><script type="module" src="/assets/app-ABCD1234.js"></script></head>');
    fs.writeFileSync(path.join(dir, 'preload.json'), JSON.stringify([{ pattern: '/tasks/:id', scripts: ['/assets/task-EFGH5678.js', '/assets/chunk-IJKL9012.js'], styles: ['/assets/forms-MNOP3456.css'] }, { pattern: '/modeler/processes/:key', scripts: ['/assets/modeler-QRST7890.js'], later: ['/assets/editor-UVWX1234.js', '/assets/chunk-YZAB5678.js'], styles: [] }]));
    const app = new Koa().use(compression()).use(webUi(dir));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Given a browser accepting brotli, when it fetches a hashed script, then it gets the brotli file, immutable for a year', async () => {
    const res = await rawGet(`${base}/assets/app-ABCD1234.js`, 'gzip, deflate, br');
    expect(res.status).to.equal(200);
    expect(res.headers['content-encoding']).to.equal('br');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.headers.vary).to.match(/accept-encoding/i);
    expect(res.headers['content-type']).to.match(/javascript/);
    expect(res.bytes.length).to.be.lessThan(script.length / 10);
    expect(zlib.brotliDecompressSync(res.bytes).toString()).to.equal(script);
  });

  it('Given a client accepting only gzip, or nothing, then it gets gzip, or the plain file', async () => {
    const gz = await rawGet(`${base}/assets/app-ABCD1234.js`, 'gzip');
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(zlib.gunzipSync(gz.bytes).toString()).to.equal(script);
    const plain = await rawGet(`${base}/assets/app-ABCD1234.js`, 'identity');
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.bytes.toString()).to.equal(script);
  });

  it('Given a client-side route, when it is loaded, then index.html comes back never cached, so a new build is picked up at once', async () => {
    const res = await rawGet(`${base}/tasks/42`, 'br');
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-cache');
    const html = res.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(res.bytes) : res.bytes;
    expect(html.toString()).to.contain('/assets/app-ABCD1234.js');
  });

  it("Given a page's route, when index.html comes for it, then it names that page's scripts and stylesheets to fetch at once; other paths get none", async () => {
    const read = async (p: string) => {
      const res = await rawGet(`${base}${p}`, 'identity');
      expect(res.status).to.equal(200);
      return res.bytes.toString();
    };
    const task = await read('/tasks/42');
    expect(task).to.contain('<link rel="modulepreload" href="/assets/task-EFGH5678.js">');
    expect(task).to.contain('<link rel="modulepreload" href="/assets/chunk-IJKL9012.js">');
    expect(task).to.contain('<link rel="preload" as="style" href="/assets/forms-MNOP3456.css">');
    expect(task.indexOf('modulepreload')).to.be.below(task.indexOf('</head>'));
    const inbox = await read('/inbox');
    expect(inbox).to.contain('/assets/app-ABCD1234.js');
    expect(inbox).not.to.contain('preload');
    expect(await read('/tasks/42/extra')).not.to.contain('task-EFGH5678');
    // and the code a page loads once it is drawn is listed for it, not fetched with the page.
    const modeler = await read('/modeler/processes/fault-report');
    expect(modeler).to.contain('<link rel="modulepreload" href="/assets/modeler-QRST7890.js">');
    expect(modeler).to.contain('<meta name="preload-later" content="/assets/editor-UVWX1234.js /assets/chunk-YZAB5678.js">');
    expect(modeler).not.to.contain('modulepreload" href="/assets/editor-UVWX1234.js');
  });

  it('Given the UI\'s route table, when the build reads it, then every route is found with its page module and stylesheets', () => {
    const source = fs.readFileSync(path.join(WEB_SRC, 'main.ts'), 'utf8');
    const routes = routeTable(source);
    expect(routes.length).to.equal(source.match(/\{ pattern: '/g)?.length);
    expect(routes.find((r) => r.pattern === '/tasks/:id')).to.deep.equal({ pattern: '/tasks/:id', module: 'pages/task.ts', styles: ['forms'] });
    for (const r of routes) expect(fs.existsSync(path.join(WEB_SRC, r.module)), r.module).to.equal(true);
  });

  describe('API answers', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer();
    });
    after(async () => {
      await s.close();
    });

    it('Given a JSON answer above 1 KB, when the browser accepts brotli, then it comes compressed and reads back the same', async () => {
      const staff = await s.login('staff');
      const plain = await staff.get('/api/directory');
      expect(plain.status).to.equal(200);
      expect(plain.text.length).to.be.greaterThan(1024);
      const res = await rawGet(`${s.url}/api/directory`, 'gzip, br', `Bearer ${staff.token}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-encoding']).to.equal('br');
      expect(res.bytes.length).to.be.lessThan(plain.text.length);
      expect(JSON.parse(zlib.brotliDecompressSync(res.bytes).toString())).to.deep.equal(plain.body);
    });
  });
});
