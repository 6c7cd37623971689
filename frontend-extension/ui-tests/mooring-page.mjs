/**
 * Page object for the Mooring panel in JupyterLab, for Playwright (the end-to-end
 * tests on Galata and screenshots.mjs). Holds every selector the browser tests use.
 */

export const selectors = {
  sidebarTab: '.jp-SideBar li[data-id="mooring-chat"]',
  panel: '[data-testid="mooring-panel"]',
  status: '[data-testid="mooring-status"]',
  statusLabel: '[data-testid="mooring-status-label"]',
  statusDetail: '[data-testid="mooring-status-detail"]',
  retryNow: '[data-testid="mooring-retry-now"]',
  demoBanner: '[data-testid="mooring-demo-banner"]',
  input: '[data-testid="mooring-input"]',
  send: '[data-testid="mooring-send"]',
  question: '[data-testid="mooring-question"]',
  answer: '[data-testid="mooring-answer"]',
  answerStatus: '[data-testid="mooring-answer-status"]',
  answerBody: '[data-testid="mooring-answer-body"]',
  empty: '[data-testid="mooring-empty"]',
  userMessage: (mode) => `.jp-Mooring-user[data-mode="${mode}"]`,
  stop: '[data-testid="mooring-stop"]',
  retryAnswer: '[data-testid="mooring-retry-answer"]',
  insertBelow: '[data-testid="mooring-insert-below"]',
  replaceCell: '[data-testid="mooring-replace-cell"]',
  newConversation: '[data-testid="mooring-new-conversation"]',
  toggleConversations: '[data-testid="mooring-toggle-conversations"]',
  conversation: '[data-testid="mooring-conversation"]',
  conversationDelete: '[data-testid="mooring-conversation-delete"]',
  conversationRename: '[data-testid="mooring-conversation-rename"]',
  conversationTitle: '[data-testid="mooring-conversation-title"]',
  conversationTitleInput: '[data-testid="mooring-conversation-title-input"]',
  historyNotebook: '[data-testid="mooring-history-notebook"]',
  historyAll: '[data-testid="mooring-history-all"]',
  toggleModel: '[data-testid="mooring-toggle-model"]',
  chooseModel: '[data-testid="mooring-choose-model"]',
  modelPanel: '[data-testid="mooring-model-panel"]',
  modelPicker: '[data-testid="mooring-model-picker"]',
  modelProvider: '[data-testid="mooring-model-provider"]',
  modelBaseUrl: '[data-testid="mooring-model-base-url"]',
  modelName: '[data-testid="mooring-model-name"]',
  modelApiKey: '[data-testid="mooring-model-api-key"]',
  modelSave: '[data-testid="mooring-model-save"]',
  modelError: '[data-testid="mooring-model-error"]',
  copyCode: '[data-testid="mooring-copy-code"]',
  notebook: '.jp-NotebookPanel',
  cell: '.jp-Notebook .jp-Cell',
  cellPrompt: '.jp-InputPrompt',
  toast: '.Toastify__toast',
  codeCell: '.jp-Notebook .jp-CodeCell',
  agentToggle: '[data-testid="mooring-agent-toggle"]',
  toolCall: '[data-testid="mooring-tool-call"]',
  toolCallOf: (tool, state) => `[data-testid="mooring-tool-call"][data-tool="${tool}"]${state ? `[data-state="${state}"]` : ''}`,
  approve: '[data-testid="mooring-approve"]',
  allowNotebook: '[data-testid="mooring-allow-notebook"]',
  decline: '[data-testid="mooring-decline"]'
};

export class MooringPage {
  /**
   * @param {import('@playwright/test').Page} page
   * @param {{ baseUrl: string, token: string }} server e.g. http://127.0.0.1:8888/
   */
  constructor(page, server) {
    this.page = page;
    this.server = server;
  }

  /** Open JupyterLab on a notebook of the working directory (a fresh layout unless `reset` is false). */
  async openNotebook(path = 'example.ipynb', { reset = true } = {}) {
    const url = new URL(`lab/tree/${path}`, this.server.baseUrl);
    if (reset) url.searchParams.set('reset', '');
    url.searchParams.set('token', this.server.token);
    await this.page.goto(url.href);
    await this.page.locator(selectors.notebook).first().waitFor({ timeout: 60_000 });
    await this.page.locator(selectors.cell).first().waitFor();
  }

  /** Show the Mooring side panel. */
  async openPanel() {
    if (!(await this.panel.isVisible())) {
      await this.page.locator(selectors.sidebarTab).click();
    }
    await this.panel.waitFor();
  }

  get panel() {
    return this.page.locator(selectors.panel);
  }
  get status() {
    return this.page.locator(selectors.status);
  }
  get answers() {
    return this.page.locator(selectors.answer);
  }
  get lastAnswer() {
    return this.answers.last();
  }

  /** The connection state shown (data-state of the status line). */
  async connectionState() {
    return this.status.getAttribute('data-state');
  }

  /** Wait until the status line shows one of `states` (and `predicate` holds, if given). */
  async waitForConnection(states, { timeout = 60_000, minAttempt = 0 } = {}) {
    const wanted = Array.isArray(states) ? states : [states];
    await this.page.waitForFunction(
      ([sel, wanted, minAttempt]) => {
        const el = document.querySelector(sel);
        if (!el || !wanted.includes(el.getAttribute('data-state'))) return false;
        return Number(el.getAttribute('data-attempt') || 0) >= minAttempt;
      },
      [selectors.status, wanted, minAttempt],
      { timeout, polling: 50 }
    );
    return this.connectionState();
  }

  /** Type a question and send it (Enter). */
  async ask(text) {
    await this.dismissNotifications();
    await this.page.locator(selectors.input).fill(text);
    await this.page.locator(selectors.input).press('Enter');
  }

  /** Give the panel `width` pixels (whatever JupyterLab restored) by dragging its split handle. */
  async setPanelWidth(width = 420) {
    const box = await this.panel.boundingBox();
    if (box) await this.widenPanel(width - box.width);
  }

  /** Make the right sidebar (with the panel) `px` pixels wider by dragging its split handle. */
  async widenPanel(px = 160) {
    const handles = this.page.locator('#jp-main-split-panel > .lm-SplitPanel-handle:not(.lm-mod-hidden)');
    const handle = handles.last();
    const box = await handle.boundingBox();
    if (!box) return;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x - px, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Close JupyterLab's own dialogs (e.g. "Server Connection Error"), which cover the page. */
  async closeDialogs() {
    const buttons = this.page.locator('.jp-Dialog .jp-Dialog-button');
    while (await buttons.count()) {
      await buttons.last().click().catch(() => {});
      await this.page.waitForTimeout(100);
    }
  }

  /** Close JupyterLab's toasts (e.g. the news question) so they cover nothing. */
  async dismissNotifications() {
    const toasts = this.page.locator(selectors.toast);
    for (let i = (await toasts.count()) - 1; i >= 0; i--) {
      const toast = toasts.nth(i);
      const no = toast.getByRole('button', { name: 'No' });
      if (await no.count()) {
        await no.first().click().catch(() => {});
      } else {
        await toast.locator('.Toastify__close-button, button[aria-label="Hide notification"]').first().click().catch(() => {});
      }
    }
    await this.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, selectors.toast, {
      timeout: 5000
    }).catch(() => {});
  }

  /** Wait until the last answer shows one of `statuses`. */
  async waitForAnswer(statuses, { timeout = 60_000, minLength = 0 } = {}) {
    const wanted = Array.isArray(statuses) ? statuses : [statuses];
    await this.page.waitForFunction(
      ([sel, wanted, minLength]) => {
        const all = document.querySelectorAll(sel);
        const last = all[all.length - 1];
        if (!last || !wanted.includes(last.getAttribute('data-status'))) return false;
        const body = last.querySelector('[data-testid="mooring-answer-body"]');
        return (body?.textContent ?? '').length >= minLength;
      },
      [selectors.answer, wanted, minLength],
      { timeout, polling: 50 }
    );
    return this.lastAnswer.getAttribute('data-status');
  }

  /** Right-click cell `index` of the notebook shown and choose `label` from the context menu. */
  async cellContextCommand(index, label) {
    await this.dismissNotifications();
    const notebook = this.page.locator(`${selectors.notebook}:visible`);
    const prompt = notebook.locator(selectors.cell).nth(index).locator(selectors.cellPrompt);
    await prompt.click();
    await prompt.click({ button: 'right' });
    await this.page.getByRole('menuitem', { name: label }).click();
  }

  /** The service supervisor's view (Jupyter's /mooring/status). */
  async serviceStatus() {
    const res = await this.page.request.get(new URL('mooring/status', this.server.baseUrl).href, {
      headers: { Authorization: `token ${this.server.token}` }
    });
    return res.json();
  }
}
