// A small model server on 127.0.0.1 that speaks OpenAI's chat-completions API
// (POST /v1/chat/completions, streamed as server-sent events when the request asks
// for it) and its model list (GET /v1/models), and records every request body it
// receives, so that a test can read the prompt exactly as the model was given it.
// With `apiKey` it refuses any other key with OpenAI's 401, as a hosted provider does.
import http from 'node:http';

export class RecordingModelServer {
  /**
   * @param {{ reply: string[], models?: string[], apiKey?: string }} options the answer, as the deltas it
   *   is streamed in; the models it lists; the only API key it takes (any, when absent)
   */
  constructor({ reply, models = ['e2e-recorder'], apiKey }) {
    this.reply = reply;
    this.models = models;
    this.apiKey = apiKey;
    /** Every request, oldest first: {method, path, body} (body parsed when it is JSON). */
    this.requests = [];
    this.server = http.createServer((req, res) => this.#serve(req, res));
  }

  async listen() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    return this;
  }

  /** What to give an OpenAI client as its base URL. */
  get baseUrl() {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** The text of every message of every chat request, oldest request first. */
  prompts() {
    return this.requests
      .filter((r) => r.path.endsWith('/chat/completions') && Array.isArray(r.body?.messages))
      .map((r) => r.body.messages.map((m) => messageText(m.content)).join('\n'));
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }

  async #serve(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      /* recorded as text */
    }
    const path = new URL(req.url, 'http://model').pathname;
    this.requests.push({ method: req.method, path, body });
    if (this.apiKey && req.headers.authorization !== `Bearer ${this.apiKey}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'e2e' })) }));
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } }));
      return;
    }
    const model = body?.model ?? 'recorder';
    const text = this.reply.join('');
    if (body?.stream !== true) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(completion(model, text)));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    const send = (data) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    send(chunk(model, { role: 'assistant', content: '' }, null));
    for (const delta of this.reply) send(chunk(model, { content: delta }, null));
    send(chunk(model, {}, 'stop'));
    if (body.stream_options?.include_usage) {
      send({ ...chunk(model, {}, null), choices: [], usage: usage(text) });
    }
    send('[DONE]');
    res.end();
  }
}

/** A message's content as text: a string, or OpenAI's list of content parts. */
function messageText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part?.text ?? '').join('');
  return '';
}

const usage = (text) => ({ prompt_tokens: 1, completion_tokens: text.length, total_tokens: text.length + 1 });

function chunk(model, delta, finishReason) {
  return {
    id: 'chatcmpl-e2e',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }]
  };
}

function completion(model, text) {
  return {
    id: 'chatcmpl-e2e',
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: usage(text)
  };
}
