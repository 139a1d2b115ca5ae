/* mulu 目录表：载入 _rows.json，在浏览器中筛选、排序、分页；筛选状态保存在网址中，
   可以分享，刷新后保留。所有记录文字都以 textContent 插入。状态列是按核算日期计算的
   当前状态；筛选“有效”保留在册和即将到期的记录。页面本身已含第一页（不启用脚本也能看），
   脚本载入后按筛选重画。每个筛选项显示“在其他条件不变时选它会有几条”，没有记录的选项隐藏；
   没有结果时给出下一步（去掉某个条件、改选上级地区、机构查询）。 */
(function () {
  "use strict";
  var box = document.querySelector(".mulu-catalogue");
  if (!box) return;
  var PAGE = 50;
  var FIELDS = ["q", "region", "occ", "level", "status"];
  var form = box.querySelector(".mulu-filters");
  var tbody = box.querySelector("tbody");
  var countEl = box.querySelector(".mulu-count");
  var pager = box.querySelector(".mulu-pager");
  var heads = Array.prototype.slice.call(box.querySelectorAll("thead th"));
  var collator = new Intl.Collator("zh-CN", { numeric: true });
  var data = null, rows = [], state = readState();
  var emptyEl = box.querySelector(".mulu-empty");
  var FACET_NAMES = { region: "地区", occ: "职业", level: "等级", status: "状态", q: "关键词" };
  countEl.textContent = "正在加载筛选数据……";

  function readState() {
    var p = new URLSearchParams(location.search), s = {};
    FIELDS.forEach(function (k) { s[k] = p.get(k) || ""; });
    s.sort = p.get("sort") || "";
    s.dir = p.get("dir") === "desc" ? "desc" : "asc";
    s.page = Math.max(1, parseInt(p.get("page") || "1", 10) || 1);
    return s;
  }

  function writeState() {
    var p = new URLSearchParams();
    FIELDS.forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.sort) { p.set("sort", state.sort); if (state.dir === "desc") p.set("dir", "desc"); }
    if (state.page > 1) p.set("page", String(state.page));
    var qs = p.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
  }

  function syncForm() {
    FIELDS.forEach(function (k) {
      var el = form.elements[k];
      if (!el) return;
      if (el.tagName === "SELECT" && state[k] && !Array.prototype.some.call(el.options, function (o) { return o.value === state[k]; })) {
        var o = document.createElement("option"); o.value = state[k]; o.textContent = state[k]; el.appendChild(o);
      }
      el.value = state[k];
    });
    syncSort();
  }

  function syncSort() {
    var sortby = form.elements.sortby;
    if (sortby) {
      var v = state.sort ? state.sort + ":" + state.dir : "";
      sortby.value = Array.prototype.some.call(sortby.options, function (o) { return o.value === v; }) ? v : "";
    }
  }

  function regionName(code) { var r = data.regions[code]; return r ? r[0] : code; }

  function inRegion(code, ancestor) {
    var guard = 0;
    while (code && guard++ < 8) {
      if (code === ancestor) return true;
      var r = data.regions[code];
      code = r ? r[1] : "";
    }
    return false;
  }

  function prepare(json) {
    data = json;
    data.rows.forEach(function (row) {
      var text = [row[0], row[1], regionName(row[3])].concat(row.slice(6).map(function (v) { return v == null ? "" : String(v); }));
      /* 职业编码及其大类、中类、小类：搜“6-31”或“电力”能找到其下的职业。 */
      (row[4] || []).forEach(function (c) { text.push((data.occupations || {})[c] || c); });
      row.hay = text.join(" ").toLowerCase();
    });
  }

  function value(row, key) {
    if (key === "name") return row[1];
    if (key === "region") return regionName(row[3]);
    if (key === "status") return row[2];
    if (key.charAt(0) === "c") return row[6 + parseInt(key.slice(1), 10)];
    return "";
  }

  function numeric(key) {
    return key.charAt(0) === "c" && data.columns[parseInt(key.slice(1), 10)] && data.columns[parseInt(key.slice(1), 10)].numeric;
  }

  /* 记录是否满足当前筛选；skip 指定的那一项不算（用于给该项的各个选项计数）。 */
  function matches(row, s, skip) {
    if (skip !== "status") {
      if (s.status === "有效") { if ((data.current || []).indexOf(row[2]) < 0) return false; }
      else if (s.status && row[2] !== s.status) return false;
    }
    if (skip !== "occ" && s.occ && row[4].indexOf(s.occ) < 0) return false;
    if (skip !== "level" && s.level && row[5].indexOf(s.level) < 0) return false;
    if (skip !== "region" && s.region && !inRegion(row[3], s.region)) return false;
    if (skip !== "q") {
      var words = s.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var i = 0; i < words.length; i++) if (row.hay.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function countWith(change) {
    var s = {}, n = 0;
    FIELDS.forEach(function (k) { s[k] = k in change ? change[k] : state[k]; });
    data.rows.forEach(function (row) { if (matches(row, s)) n++; });
    return n;
  }

  /* 每个选项的条数：其他条件不变、只换这一项时的记录数。 */
  function facetCounts(name) {
    var counts = {};
    function add(key) { counts[key] = (counts[key] || 0) + 1; }
    data.rows.forEach(function (row) {
      if (!matches(row, state, name)) return;
      if (name === "region") { var code = row[3], guard = 0; while (code && guard++ < 8) { add(code); var r = data.regions[code]; code = r ? r[1] : ""; } }
      else if (name === "occ") row[4].forEach(add);
      else if (name === "level") row[5].forEach(add);
      else if (name === "status") { add(row[2]); if ((data.current || []).indexOf(row[2]) >= 0) add("有效"); }
      add("");
    });
    return counts;
  }

  /* 选项的文字（不含条数）：页面上写的是“名称（条数）”，第一次读取时记下名称。 */
  var LABELS = new WeakMap();
  function optionLabel(o) {
    if (!LABELS.has(o)) LABELS.set(o, o.textContent.replace(/（\d+）$/, ""));
    return LABELS.get(o);
  }

  function updateOptions() {
    ["region", "occ", "level", "status"].forEach(function (name) {
      var el = form.elements[name];
      if (!el) return;
      var counts = facetCounts(name);
      Array.prototype.forEach.call(el.options, function (o) {
        var n = counts[o.value] || 0;
        if (!o.value) { o.textContent = "全部（" + n + "）"; return; }
        o.textContent = optionLabel(o) + "（" + n + "）";
        var keep = n > 0 || o.value === state[name];
        o.hidden = !keep;
        o.disabled = !keep;
      });
    });
  }

  function suggestion(text, change) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button mulu-empty__action";
    b.textContent = text;
    b.addEventListener("click", function () {
      Object.keys(change).forEach(function (k) { state[k] = change[k]; });
      state.page = 1; syncForm(); render();
    });
    return b;
  }

  /* 没有结果时的下一步：逐项去掉条件（写明去掉后有几条）、改选上级地区、到机构查询核验一家机构。 */
  function renderEmpty(empty) {
    emptyEl.textContent = "";
    emptyEl.hidden = !empty;
    if (!empty) return;
    var p = document.createElement("p");
    p.textContent = "可以试试：";
    emptyEl.appendChild(p);
    var list = document.createElement("ul");
    function item(node) { var li = document.createElement("li"); li.appendChild(node); list.appendChild(li); }
    if (state.region) {
      var parent = (data.regions[state.region] || [])[1];
      if (parent) {
        var up = countWith({ region: parent });
        if (up) item(suggestion("改为上级地区“" + regionName(parent) + "”（" + up + " 条）", { region: parent }));
      }
    }
    FIELDS.forEach(function (k) {
      if (!state[k]) return;
      var change = {}; change[k] = "";
      var n = countWith(change);
      var el = form.elements[k], opt = el && el.tagName === "SELECT" ? el.options[el.selectedIndex] : null;
      var shown = (opt && opt.value ? optionLabel(opt) : state[k]).trim();
      if (n) item(suggestion("去掉“" + FACET_NAMES[k] + "：" + shown + "”（" + n + " 条）", change));
    });
    item(suggestion("清除全部筛选（" + data.rows.length + " 条）", { q: "", region: "", occ: "", level: "", status: "" }));
    var check = document.createElement("a");
    check.href = box.getAttribute("data-check") || "../check/";
    check.textContent = "用机构查询核验一家机构是否在册";
    item(check);
    emptyEl.appendChild(list);
  }

  function filtered() {
    var out = data.rows.filter(function (row) { return matches(row, state); });
    if (state.sort) {
      var key = state.sort, num = numeric(key), sign = state.dir === "desc" ? -1 : 1;
      out.sort(function (a, b) {
        var x = value(a, key), y = value(b, key);
        if (x == null || x === "") return (y == null || y === "") ? 0 : 1;
        if (y == null || y === "") return -1;
        return sign * (num ? x - y : collator.compare(String(x), String(y)));
      });
    }
    return out;
  }

  function cell(tr, label, content) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (content instanceof Node) td.appendChild(content); else td.textContent = content == null ? "—" : String(content);
    tr.appendChild(td);
  }

  function fmt(v, col) {
    if (v == null || v === "") return "—";
    return col && col.numeric && typeof v === "number" ? v.toLocaleString("zh-CN") : String(v);
  }

  function render() {
    rows = filtered();
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    if (state.page > pages) state.page = pages;
    var start = (state.page - 1) * PAGE, shown = rows.slice(start, start + PAGE);
    var labels = heads.map(function (th) { return th.textContent; });
    var frag = document.createDocumentFragment();
    shown.forEach(function (row) {
      var tr = document.createElement("tr");
      var a = document.createElement("a");
      a.href = encodeURIComponent(row[0]) + "/";
      a.textContent = row[1];
      cell(tr, labels[0], a);
      cell(tr, labels[1], regionName(row[3]));
      data.columns.forEach(function (col, i) { cell(tr, labels[2 + i], fmt(row[6 + i], col)); });
      var badge = document.createElement("span");
      badge.className = "mulu-status mulu-status--" + ((data.status_classes || {})[row[2]] || "other");
      badge.textContent = row[2];
      cell(tr, labels[labels.length - 1], badge);
      frag.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    countEl.textContent = rows.length
      ? "共 " + rows.length + " 条" + (rows.length < data.rows.length ? "（全部 " + data.rows.length + " 条）" : "") +
        "，显示第 " + (start + 1) + "–" + (start + shown.length) + " 条"
      : "没有符合条件的记录（全部 " + data.rows.length + " 条）。";
    renderEmpty(!rows.length);
    updateOptions();
    heads.forEach(function (th) {
      if (th.dataset.key === state.sort) th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    renderPager(pages);
    syncSort();
    writeState();
    box.setAttribute("data-ready", "true");
  }

  function button(text, page, disabled, current) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button mulu-page" + (current ? " md-button--primary" : "");
    b.textContent = text;
    b.disabled = !!disabled;
    if (current) b.setAttribute("aria-current", "page");
    b.addEventListener("click", function () { state.page = page; render(); box.scrollIntoView({ block: "start" }); });
    return b;
  }

  function renderPager(pages) {
    pager.textContent = "";
    if (pages < 2) return;
    pager.appendChild(button("上一页", state.page - 1, state.page === 1));
    var span = document.createElement("span");
    span.className = "mulu-page-of";
    span.textContent = "第 " + state.page + " / " + pages + " 页";
    pager.appendChild(span);
    pager.appendChild(button("下一页", state.page + 1, state.page === pages));
  }

  var timer = null;
  form.addEventListener("input", function (e) {
    var el = e.target;
    if (!el.name) return;
    if (el.name === "sortby") {
      var parts = el.value.split(":");
      state.sort = parts[0] || ""; state.dir = parts[1] === "desc" ? "desc" : "asc"; state.page = 1;
      if (data) render();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () { state[el.name] = el.value.trim(); state.page = 1; if (data) render(); }, el.tagName === "INPUT" ? 150 : 0);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { FIELDS.forEach(function (k) { state[k] = ""; }); state.sort = ""; state.page = 1; if (data) render(); }, 0);
  });
  heads.forEach(function (th) {
    var b = th.querySelector("button");
    if (!b) return;
    b.addEventListener("click", function () {
      var key = th.dataset.key;
      if (state.sort === key) state.dir = state.dir === "asc" ? "desc" : "asc";
      else { state.sort = key; state.dir = "asc"; }
      if (data) render();
    });
  });

  syncForm();
  fetch(box.getAttribute("data-rows"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (json) { prepare(json); render(); })
    .catch(function () { countEl.textContent = "目录数据加载失败，请刷新页面重试，或下载 CSV 文件查看。"; });
})();
