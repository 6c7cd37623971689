// The Mooring panel in a Galata JupyterLab page: the page object's selectors and
// waits, plus what only the end-to-end tests need (the panel's model, the frames
// the page sent on the chat socket, a record of the states shown, screenshots).
import fs from 'node:fs';
import path from 'node:path';

import { MooringPage, selectors } from '../mooring-page.mjs';
import { env } from './env.mjs';

export const PLUGIN_ID = 'mooring-jupyterlab:plugin';
const PANEL_ID = 'mooring-chat';

export class MooringLab extends MooringPage {
  /**
   * @param {import('@jupyterlab/galata').IJupyterLabPageFixture} page before it loads JupyterLab
   * @param {{ url: string }} server
   */
  constructor(page, server) {
    super(page, { baseUrl: `${server.url}/`, token: '' });
    /** Frames the page sent on its chat sockets, oldest first, as text. */
    this.sentFrames = [];
    /** How many chat sockets the page opened. */
    this.chatSockets = 0;
    /** The last `welcome` the page received: the service's heartbeat values and model. */
    this.welcome = undefined;
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/api/chat')) return;
      this.chatSockets++;
      ws.on('framesent', (frame) => this.sentFrames.push(String(frame.payload)));
      ws.on('framereceived', (frame) => {
        const payload = String(frame.payload);
        if (payload.includes('"welcome"')) this.welcome = JSON.parse(payload);
      });
    });
  }

  /**
   * Opens a notebook (Galata's helper) and waits until its document is ready: until then
   * JupyterLab may still move the active cell back to the first one.
   */
  async openNotebook(path) {
    await this.page.notebook.openByPath(path);
    await this.page.waitForFunction(() => {
      const panel = window.jupyterapp.shell.currentWidget;
      return panel?.context?.isReady && panel.content.widgets.length > 0;
    });
  }

  /**
   * Shows the panel (Galata's sidebar helper) and keeps its IMooringChat, found through
   * Galata's in-page helpers, as `window.__mooring`.
   */
  async show() {
    await this.page.evaluate(async (id) => {
      window.__mooring = await window.galata.getPlugin(id);
    }, PLUGIN_ID);
    await this.page.sidebar.openTab(PANEL_ID);
    await this.status.waitFor({ timeout: 30000 });
  }

  /**
   * Reloads the page and shows the notebook at `notebookPath` and the panel again. Galata's own
   * wait after a reload expects the Launcher in front, which the restored workspace (the notebook
   * open) never shows.
   */
  async reload(notebookPath) {
    await this.page.reload({ waitForIsReady: false });
    await this.page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    // opened by command: the file browser helper's walk home hangs on the restored folder
    await this.page.evaluate(async (path) => {
      await window.jupyterapp.commands.execute('docmanager:open', { path });
    }, notebookPath);
    await this.page.waitForFunction((path) => {
      const panel = window.jupyterapp.shell.currentWidget;
      return panel?.context?.path === path && panel.context.isReady && panel.content.widgets.length > 0;
    }, notebookPath);
    await this.show();
  }

  /** The chat frames the page sent, parsed, oldest first. */
  chatFrames() {
    return this.sentFrames
      .map((payload) => {
        try {
          return JSON.parse(payload);
        } catch {
          return undefined;
        }
      })
      .filter((frame) => frame?.type === 'chat');
  }

  /** Waits until the last answer holds at least `n` characters of model text. */
  async waitForText(n, timeout = 30000) {
    await this.page.waitForFunction(
      (n) => {
        const e = window.__mooring.model.entries.filter((x) => x.kind === 'answer').pop();
        return e && e.text.length >= n;
      },
      n,
      { timeout, polling: 50 }
    );
  }

  /** The panel model's last answer entry {status, text, completionId, error}. */
  async lastEntry() {
    return this.page.evaluate(() => {
      const e = window.__mooring.model.entries.filter((x) => x.kind === 'answer').pop();
      return e && { status: e.status, text: e.text, completionId: e.completionId, error: e.error };
    });
  }

  async conversationId() {
    return this.page.evaluate(() => window.__mooring.model.activeConversationId);
  }

  /** Waits until the panel is connected, then starts a new conversation. */
  async startConversation() {
    await this.waitForConnection('connected', { timeout: 30000 });
    await this.newConversation();
  }

  /** Asks in agent mode: the Agent toggle on, then the question. */
  async askAgent(text) {
    const toggle = this.page.locator(selectors.agentToggle);
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await this.ask(text);
  }

  /** Waits until the last answer shows a call of `tool` in `state` (the `n`-th such call, from 1), and answers it. */
  async waitForToolCall(tool, state, { n = 1, timeout = 60000 } = {}) {
    const call = this.lastAnswer.locator(selectors.toolCallOf(tool, state)).nth(n - 1);
    await call.waitFor({ timeout });
    return call;
  }

  /** The open notebook as nbformat JSON (cells with their sources, outputs and counts; metadata). */
  async notebookJson() {
    return this.page.evaluate(() => window.jupyterapp.shell.currentWidget.content.model.toJSON());
  }

  /** Opens a stored conversation from the history list. */
  async openConversation(id) {
    await this.page.locator(selectors.toggleConversations).click();
    await this.page.locator(`${selectors.conversation}[data-conversation-id="${id}"] .jp-Mooring-conversationOpen`).click();
    await this.page.waitForFunction((id) => window.__mooring.model.activeConversationId === id && !window.__mooring.model.loading, id);
  }

  /** Deletes a stored conversation from the history list (confirming the dialog). */
  async deleteConversation(id) {
    await this.page.locator(selectors.toggleConversations).click();
    const row = this.page.locator(`${selectors.conversation}[data-conversation-id="${id}"]`);
    await row.locator(selectors.conversationDelete).click();
    await this.page.locator('.jp-Dialog .jp-mod-warn').click();
    await row.waitFor({ state: 'detached' });
  }

  async newConversation() {
    await this.page.locator(selectors.newConversation).click();
    await this.page.locator(selectors.empty).waitFor();
  }

  /** Runs a JupyterLab command, e.g. `mooring:explain-cell`. */
  async command(id, args = {}) {
    await this.page.evaluate(([id, args]) => window.jupyterapp.commands.execute(id, args), [id, args]);
  }

  /** Makes cell `index` of the current notebook the active one. */
  async selectCell(index) {
    const active = await this.page.evaluate((index) => {
      const notebook = window.jupyterapp.shell.currentWidget.content;
      notebook.activeCellIndex = index;
      return notebook.activeCellIndex;
    }, index);
    if (active !== index) throw new Error(`cell ${index} could not be made active (active: ${active})`);
  }

  /**
   * Records the status line (its state, the service state the proxy gave, its label) and the last answer's
   * status on every DOM change from now on.
   */
  async startRecording() {
    await this.page.evaluate(
      ([panel, status, answer]) => {
        const seen = (window.__e2eSeen = []);
        const note = () => {
          const line = document.querySelector(status);
          const s = line?.getAttribute('data-state');
          const v = line?.getAttribute('data-service') || undefined;
          const label = line?.querySelector('[data-testid="mooring-status-label"]')?.textContent;
          const a = [...document.querySelectorAll(answer)].at(-1)?.getAttribute('data-status');
          const last = seen.at(-1);
          if (!last || last.s !== s || last.a !== a || last.v !== v || last.label !== label) {
            seen.push({ t: Date.now(), s, v, label, a });
          }
        };
        note();
        window.__e2eObserver?.disconnect();
        window.__e2eObserver = new MutationObserver(note);
        window.__e2eObserver.observe(document.querySelector(panel), { subtree: true, attributes: true, childList: true });
      },
      [selectors.panel, selectors.status, selectors.answer]
    );
  }

  /** What startRecording saw: [{t, s: connection state, v: service state, label, a: last answer's status}]. */
  async recorded() {
    return this.page.evaluate(() => window.__e2eSeen ?? []);
  }

  /** Saves the page as docs/images/e2e-<name>.png (E2E_SCREENSHOTS). */
  async screenshot(name) {
    fs.mkdirSync(env.screenshots, { recursive: true });
    const file = path.join(env.screenshots, `e2e-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
