// Faults on the page's chat socket, at a chosen frame: every chat socket the page opens
// is routed through Playwright (routeWebSocket) to the real service, and a rule cuts
// the connection when a frame that matches passes, in one direction, before or after
// forwarding it, or holds it back for good (the page is reloaded meanwhile, say).
// The rest of the page's network (Jupyter's REST, the notebook's saves) is untouched.
export class ChatSocketFaults {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.rules = [];
    /** Every frame that went through: {direction: 'up' | 'down', frame}. */
    this.frames = [];
  }

  /** Routes the chat sockets opened from now on (then make the page reconnect). */
  async install() {
    await this.page.routeWebSocket(/\/api\/chat/, (page) => {
      const server = page.connectToServer();
      page.onMessage((message) => this.#pass('up', message, () => server.send(message), page, server));
      server.onMessage((message) => this.#pass('down', message, () => page.send(message), page, server));
    });
  }

  /**
   * On the next frame going `direction` ('up': page to service, 'down': service to page) that `match`es:
   * forward it or not, then cut the connection (both sides) unless `cut` is false. Resolves with the frame.
   */
  at(direction, match, { forward, cut = true }) {
    return new Promise((resolve) => this.rules.push({ direction, match, forward, cut, resolve }));
  }

  #pass(direction, message, send, page, server) {
    let frame;
    try {
      frame = JSON.parse(String(message));
    } catch {
      frame = {};
    }
    this.frames.push({ direction, frame });
    const index = this.rules.findIndex((rule) => rule.direction === direction && rule.match(frame));
    if (index < 0) return send();
    const [rule] = this.rules.splice(index, 1);
    if (rule.forward) send();
    if (rule.cut) {
      void page.close({ code: 4000, reason: 'cut by the test' }).catch(() => {});
      void server.close({ code: 1000, reason: 'cut by the test' }).catch(() => {});
    }
    rule.resolve(frame);
  }
}
