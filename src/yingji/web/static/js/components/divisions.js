/**
 * The division picker in the sub-bar (区县 → 乡镇（街道）, inside the user's jurisdiction) and the
 * chosen division every page filters by. The choice is remembered per user (localStorage) and
 * mirrored in #division-picker[data-division].
 *
 *   onDivision((division) => …)   // {code, name, level, parent_code, isScope}; now (if known) and on every change
 *   selectDivision(code)          // e.g. from a click on the map
 *
 * A link may choose the division: `?division=350102` (e.g. a county's count on the home page
 * linking to the filtered list) takes precedence over the remembered choice and becomes it.
 */
import { el, replace } from '../lib/dom.js';
import { listAll } from './api.js';
import { labelOf, user } from './context.js';

const names = new Map();
const listeners = [];
let current = null;
let picker = null;   // set by initDivisionPicker

export function divisionName(code) { return (code && names.get(code)) || ''; }
export function rememberDivisions(items) {
  for (const d of items || []) if (d && d.code) names.set(d.code, d.name);
}
/** GB/T 2260 / NBS code → level: 350000 province, 350100 city, 350102 county, 350102001 township. */
export function levelOf(code) {
  const text = String(code || '');
  if (text.length > 6) return 'township';
  if (/0000$/.test(text)) return 'province';
  if (/00$/.test(text)) return 'city';
  return 'county';
}
let allNames = null;
/** The names of every division of the jurisdiction (one request per page, on first use). */
function loadNames() {
  if (!allNames) {
    allNames = Promise.all([listAll('/divisions', { level: 'county' }), listAll('/divisions', { level: 'township' })])
      .then(([counties, townships]) => { rememberDivisions(counties); rememberDivisions(townships); })
      .catch(() => {});
  }
  return allNames;
}

/**
 * A division shown by its name (the code in the tooltip): <span class="division-name">. The name
 * is filled in once known.
 */
export function divisionLabel(code) {
  const node = el('span', { class: 'division-name', title: code || '', text: divisionName(code) || code || '—' });
  if (code && !divisionName(code)) loadNames().then(() => { if (divisionName(code)) node.textContent = divisionName(code); });
  return node;
}

export function levelLabel(level) { return labelOf('division_levels', level); }
export function currentDivision() { return current; }

/** The division filter of an API query: {} for the whole jurisdiction, else {division: code}. */
export function divisionQuery() {
  return current && !current.isScope ? { division: current.code } : {};
}

export function onDivision(cb) {
  listeners.push(cb);
  if (current) cb(current, 'now');
}

function setDivision(division, source) {
  current = division;
  const node = document.getElementById('division-picker');
  if (node) node.dataset.division = division.code || '';
  for (const cb of listeners) {
    try { cb(division, source); } catch (e) { console.error(e); }
  }
}

function scopeDivision() {
  const u = user || {};
  return { code: u.scope_code || '', name: u.scope_name || '', level: levelOf(u.scope_code), isScope: true };
}

export function selectDivision(code) {
  if (picker) picker.select(code);
}

export function initDivisionPicker() {
  const countySel = document.getElementById('division-county');
  const townSel = document.getElementById('division-township');
  if (!countySel || !townSel || !user) return;
  const storageKey = `yingji.division.${user.username}`;
  const scope = scopeDivision();
  if (scope.code) names.set(scope.code, scope.name);
  let counties = [];
  const townshipsByCounty = new Map();

  const fromUrl = () => {
    const code = new URLSearchParams(window.location.search).get('division');
    return code && /^(\d{6}|\d{9}|\d{12})$/.test(code) ? { code, parent_code: code.length > 6 ? code.slice(0, 6) : null } : null;
  };
  const stored = () => { try { return fromUrl() || JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch { return null; } };
  const store = (d) => {
    try {
      if (!d || d.isScope) localStorage.removeItem(storageKey);
      else localStorage.setItem(storageKey, JSON.stringify({ code: d.code, name: d.name, level: d.level, parent_code: d.parent_code || null }));
    } catch { /* private mode: the choice is just not remembered */ }
  };
  const fill = (select, firstLabel, items) => replace(select,
    firstLabel === null ? null : el('option', { value: '', text: firstLabel }),
    items.map((d) => el('option', { value: d.code, text: d.name })));
  const divisionOf = (item) => ({ code: item.code, name: item.name, level: item.level || levelOf(item.code),
    parent_code: item.parent_code || null, isScope: item.code === scope.code });
  const currentCounty = () => counties.find((c) => c.code === countySel.value) || null;

  async function townships(countyCode) {
    if (!townshipsByCounty.has(countyCode)) {
      const items = await listAll('/divisions', countyCode ? { level: 'township', parent: countyCode } : { level: 'township' });
      rememberDivisions(items);
      townshipsByCounty.set(countyCode, items);
    }
    return townshipsByCounty.get(countyCode);
  }
  async function showTownships(countyCode, selected) {
    townSel.disabled = true;
    if (!countyCode) { fill(townSel, '全部乡镇（街道）', []); return; }
    const items = await townships(countyCode);
    fill(townSel, '全部乡镇（街道）', items);
    townSel.disabled = items.length === 0;
    if (selected) townSel.value = selected;
  }
  function reportError(err) {
    console.error(err);
    countySel.disabled = true;
    fill(countySel, scope.name || '区划加载失败', []);
    if (!current) setDivision(scope, 'init');
  }

  countySel.addEventListener('change', () => {
    const county = currentCounty();
    showTownships(county ? county.code : '').then(() => {
      const division = county ? divisionOf(county) : scope;
      store(division);
      setDivision(division, 'picker');
    }).catch(reportError);
  });
  townSel.addEventListener('change', () => {
    const county = currentCounty();
    const town = (townshipsByCounty.get(county ? county.code : '') || []).find((t) => t.code === townSel.value);
    const division = town ? divisionOf(town) : county ? divisionOf(county) : scope;
    store(division);
    setDivision(division, 'picker');
  });

  picker = {
    select(code) {
      if (!code || code === scope.code) {
        if (!countySel.disabled) countySel.value = '';
        countySel.dispatchEvent(new Event('change'));
      } else if (levelOf(code) === 'county') {
        countySel.value = code;
        countySel.dispatchEvent(new Event('change'));
      } else if (counties.some((c) => c.code === code.slice(0, 6))) {
        countySel.value = code.slice(0, 6);
        showTownships(countySel.value, code).then(() => townSel.dispatchEvent(new Event('change'))).catch(reportError);
      } else {
        townSel.value = code;
        townSel.dispatchEvent(new Event('change'));
      }
    },
  };

  (async () => {
    counties = await listAll('/divisions', { level: 'county' });
    rememberDivisions(counties);
    const saved = stored();
    if (counties.length === 0) {
      // a township-level jurisdiction: no county to choose, only the townships inside the scope
      countySel.hidden = true;
      const towns = await townships('');
      fill(townSel, towns.length > 1 ? `全部（${scope.name}）` : null, towns);
      townSel.disabled = towns.length <= 1;
      const pick = saved && towns.find((t) => t.code === saved.code);
      if (pick) townSel.value = pick.code;
      else if (towns.length === 1) townSel.value = towns[0].code;
      const chosen = pick ? divisionOf(pick) : scope;
      if (fromUrl()) store(chosen);
      setDivision(chosen, 'init');
      return;
    }
    const onlyOwnCounty = counties.length === 1 && counties[0].code === scope.code;
    fill(countySel, onlyOwnCounty ? null : `全部（${scope.name || '管辖范围'}）`, counties);
    countySel.disabled = onlyOwnCounty;
    let countyCode = onlyOwnCounty ? counties[0].code : '';
    let townCode = '';
    if (saved && saved.code) {
      const match = counties.find((c) => c.code === saved.code || c.code === saved.parent_code);
      if (match) { countyCode = match.code; if (saved.code !== match.code) townCode = saved.code; }
    }
    countySel.value = countyCode;
    await showTownships(countyCode, townCode);
    const county = currentCounty();
    const town = townCode ? (townshipsByCounty.get(countyCode) || []).find((t) => t.code === townCode) : null;
    if (townCode && !town) townSel.value = '';
    const chosen = town ? divisionOf(town) : county ? divisionOf(county) : scope;
    if (fromUrl()) store(chosen);
    setDivision(chosen, 'init');
  })().catch(reportError);
}

/** Pages without the picker (or before it answers) still start: the whole jurisdiction. */
export function startWithoutPicker() {
  if (!current && !document.getElementById('division-county')) setDivision(scopeDivision(), 'init');
}
