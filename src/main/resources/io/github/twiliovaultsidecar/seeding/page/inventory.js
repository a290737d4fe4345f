// The inventory page: asks for the person's Vault token, keeps it in this tab's session storage only,
// and calls the admin API with it as X-Vault-Token. Every text from the API goes into the DOM as
// textContent, never as HTML; the token itself is never put in the DOM.
'use strict';

(() => {
  const TOKEN_KEY = 'twilio-vault-sidecar.vault-token';
  const API = '/admin/v1';
  /** Regions in the order people know them; any other region folder follows, sorted. */
  const KNOWN_REGIONS = ['us1', 'ie1', 'au1', 'jp1'];

  const $ = (id) => document.getElementById(id);

  /** A failed admin API call: the HTTP status and the problem detail, when the answer was one. */
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
      this.status = status;
      this.problem = problem || {};
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function call(method, path) {
    const response = await fetch(API + path, {
      method,
      headers: { 'X-Vault-Token': token() || '', Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
    });
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (ignored) {
      body = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, body);
    }
    return body;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function show(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.className = kind || 'error';
    message.hidden = !text;
  }

  /** The sentence shown for a failed call; a 403 says the token lacks the policy, in plain words. */
  function describe(error, action) {
    if (!(error instanceof ApiError)) {
      return 'Could not ' + action + ': ' + error.message;
    }
    const detail = error.problem.detail ? ' (' + error.problem.detail + ')' : '';
    if (error.status === 403) {
      return 'Vault refused your token (403 permission denied): its policies do not allow you to ' + action
        + detail + '. Sign in with a token that has the twilio-seeder policy, or ask a Vault admin for it.';
    }
    if (error.status === 401) {
      return 'Vault needs a token to ' + action + detail + '. Sign in again.';
    }
    const title = error.problem.title || ('HTTP ' + error.status);
    return 'Could not ' + action + ': ' + title + detail + '.';
  }

  function age(iso) {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) {
      return '';
    }
    const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
    if (seconds < 60) return seconds + ' s ago';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ago';
    return Math.floor(seconds / 86400) + ' d ago';
  }

  function regionOrder(a, b) {
    const ia = KNOWN_REGIONS.indexOf(a);
    const ib = KNOWN_REGIONS.indexOf(b);
    if (ia >= 0 || ib >= 0) {
      return (ia < 0 ? KNOWN_REGIONS.length : ia) - (ib < 0 ? KNOWN_REGIONS.length : ib);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function row(list, term, value, className) {
    list.appendChild(el('dt', term));
    const dd = el('dd', value, className);
    list.appendChild(dd);
    return dd;
  }

  function cell(entry) {
    const check = entry.verification;
    const failed = check && check.outcome !== 'verified';
    const hasProblems = entry.problems && entry.problems.length > 0;
    const td = el('td', null, 'cell' + (failed ? ' failed' : hasProblems ? ' problems-found' : ''));
    const list = el('dl');
    row(list, 'kind', entry.kind || 'unknown', 'kind');
    // An unusable entry has no kind, and its edge is not read either.
    row(list, 'edge', entry.kind ? (entry.edge || 'region default') : '—', 'edge');
    row(list, 'version', entry.version, 'version');
    row(list, 'fingerprint', entry.fingerprint || '—', 'fingerprint mono');
    row(list, 'verified_at', entry.verified_at ? entry.verified_at + ' (' + age(entry.verified_at) + ')' : 'never',
      'verified-at');
    const last = row(list, 'last check', check ? check.outcome : 'none yet',
      'outcome ' + (check ? check.outcome : 'unknown'));
    if (check && check.at) {
      row(list, 'checked', check.at + ' (' + age(check.at) + ')', 'checked-at');
    }
    if (check && check.detail) {
      row(list, 'detail', check.detail, 'detail');
    }
    last.setAttribute('aria-live', 'polite');
    td.appendChild(list);
    if (hasProblems) {
      const problems = el('ul', null, 'problems');
      entry.problems.forEach((problem) => problems.appendChild(el('li', problem)));
      td.appendChild(problems);
    } else {
      td.appendChild(el('p', 'no problems', 'healthy'));
    }
    const buttons = el('div', null, 'buttons');
    const reverify = el('button', 'Re-verify', 'reverify');
    reverify.type = 'button';
    reverify.addEventListener('click', () => reverifyEntry(entry, reverify));
    buttons.appendChild(reverify);
    const sync = el('button', 'Sync subaccounts', 'sync');
    sync.type = 'button';
    sync.addEventListener('click', () => syncSubaccounts(entry, sync));
    buttons.appendChild(sync);
    td.appendChild(buttons);
    return td;
  }

  function render(inventory) {
    $('mount').textContent = inventory.mount;
    $('summary').textContent = inventory.count + ' entries, ' + inventory.with_problems + ' with problems';
    const entries = inventory.entries || [];
    const regions = [...new Set(entries.map((e) => e.region))].sort(regionOrder);
    const accounts = [...new Set(entries.map((e) => e.account))].sort();
    const byKey = new Map(entries.map((e) => [e.account + '/' + e.region, e]));
    const head = $('regions');
    clear(head);
    head.appendChild(el('th', 'Account', null));
    head.firstChild.scope = 'col';
    regions.forEach((region) => {
      const th = el('th', region);
      th.scope = 'col';
      head.appendChild(th);
    });
    const body = $('accounts');
    clear(body);
    accounts.forEach((account) => {
      const tr = el('tr');
      const th = el('th', account);
      th.scope = 'row';
      tr.appendChild(th);
      regions.forEach((region) => {
        const entry = byKey.get(account + '/' + region);
        const td = entry ? cell(entry) : el('td', 'nothing stored', 'empty');
        td.dataset.account = account;
        td.dataset.region = region;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    $('inventory').hidden = false;
  }

  async function load() {
    try {
      render(await call('GET', '/credentials'));
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        // A token that may not list the inventory is of no use here: it is dropped at once.
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin();
      }
      show(describe(error, 'list the credentials'));
      return false;
    }
  }

  function path(entry) {
    return encodeURIComponent(entry.account) + '/' + encodeURIComponent(entry.region);
  }

  async function reverifyEntry(entry, button) {
    button.disabled = true;
    try {
      const report = await call('POST', '/credentials/' + path(entry) + '/verification');
      const check = report.verification || {};
      if (!(await load())) {
        return;
      }
      show('Re-verified ' + report.path + ': ' + check.outcome + (check.detail ? ' — ' + check.detail : ''),
        check.outcome === 'verified' ? 'info' : 'error');
    } catch (error) {
      show(describe(error, 're-verify ' + entry.path));
    } finally {
      button.disabled = false;
    }
  }

  async function syncSubaccounts(entry, button) {
    button.disabled = true;
    try {
      const report = await call('POST', '/accounts/' + encodeURIComponent(entry.account) + '/regions/'
        + encodeURIComponent(entry.region) + '/subaccounts/sync');
      if (!(await load())) {
        return;
      }
      $('sync-title').textContent = 'Subaccounts of ' + report.parent + ' in ' + report.region;
      $('sync-counts').textContent = Object.entries(report.counts || {}).map(([name, n]) => n + ' ' + name).join(', ');
      const rows = $('sync-outcomes').tBodies[0];
      clear(rows);
      (report.subaccounts || []).forEach((outcome) => {
        const tr = el('tr');
        tr.appendChild(el('td', outcome.account, 'mono'));
        tr.appendChild(el('td', outcome.outcome));
        tr.appendChild(el('td', outcome.reason || (outcome.version != null ? 'version ' + outcome.version : '')));
        rows.appendChild(tr);
      });
      $('sync').hidden = false;
      show('Synced the subaccounts of ' + report.parent + ' in ' + report.region + '.', 'info');
    } catch (error) {
      show(describe(error, 'sync the subaccounts of ' + entry.account + ' in ' + entry.region));
    } finally {
      button.disabled = false;
    }
  }

  function showLogin() {
    $('login').hidden = false;
    $('inventory').hidden = true;
    $('refresh').hidden = true;
    $('logout').hidden = true;
  }

  function showInventory() {
    $('login').hidden = true;
    $('refresh').hidden = false;
    $('logout').hidden = false;
  }

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    clear($('accounts'));
    clear($('regions'));
    clear($('sync-outcomes').tBodies[0]);
    $('sync').hidden = true;
    $('mount').textContent = '';
    $('summary').textContent = '';
    showLogin();
    show('Logged out: the token is gone from this tab.', 'info');
  }

  async function signIn(event) {
    event.preventDefault();
    const input = $('token');
    const value = input.value.trim();
    input.value = '';
    if (!value) {
      show('Enter a Vault token.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    show('');
    showInventory();
    await load();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', signIn);
    $('logout').addEventListener('click', logout);
    $('refresh').addEventListener('click', () => {
      show('');
      load();
    });
    if (token()) {
      showInventory();
      load();
    } else {
      showLogin();
    }
  });
})();
