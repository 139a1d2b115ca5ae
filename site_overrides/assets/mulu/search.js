/* mulu 全文搜索：直接调用 Pagefind 的 pagefind.js（首次聚焦搜索框时才加载）。
   索引不做中文分词（见 generator/mulu/site/search.py）：记录页自带“词”（每段汉字的单字和相邻两字），
   查询在这里按同样的规则切分，所以“紧缺”能找到“急需紧缺”，“淄博”能找到淄博市下的每条记录，“6-31”能找到 6-31-xx-xx。
   页眉和首页的搜索框显示前几条结果；回车打开完整结果页 search/?q=（可按类型和地区筛选）。
   结果中的文字一律作为文本插入；Pagefind 的摘要只保留 <mark> 高亮。 */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-mulu-search]");
  if (!boxes.length) return;
  var cfg = document.getElementById("__config");
  var base = ".";
  try { base = JSON.parse(cfg.textContent).base || "."; } catch (e) { /* 保持默认 */ }
  var root = new URL(base.replace(/\/?$/, "/"), location.href);
  var bundle = new URL("pagefind/", root);
  var PIECE = 2;            /* 与 search.py 的 PIECE 相同 */
  var INDEX_LANGUAGE = "und"; /* 与 search.py 的 PAGEFIND_OPTIONS（--force-language und）相同 */
  var LINE_SEPARATOR = " ¦ "; /* 与 search.py 的 LINE_SEPARATOR 相同 */
  var DROPDOWN = 8, PAGE_SIZE = 20;
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var TOKEN = new RegExp("[0-9A-Za-z]+(?:[-.][0-9A-Za-z]+)*|[" + HAN + "]+", "g");
  var loading = null;

  /* 索引分片的列表（mulu-shards.json，见 mulu/site/output.py）：小站点是 []；取不到时按单一索引搜索。 */
  function loadShards() {
    return fetch(bundle.href + "mulu-shards.json").then(function (r) {
      return r.ok ? r.json() : [];
    }).then(function (names) {
      return Array.isArray(names) ? names.filter(function (n) { return /^shard-\d+\/$/.test(n); }) : [];
    }, function () { return []; });
  }

  /* Pagefind 1.5.2 按页面的 <html lang>（zh）而不是索引的语言（und）处理查询：zh 的查询会被 Intl.Segmenter
     切成词典词（龙兴技师学院 → 龙 兴 技师 学院，各词分别匹配），而本站的索引不分词。Pagefind 只在建立实例时
     读 lang（pagefind.js 的 detectLanguage），所以这里建立实例时临时把 lang 设为索引的语言，同步地立即改回：
     其间不会渲染，读屏软件看不到变化。见 docs/dev/search.md“一个名称搜不到”。 */
  function instance(pf) {
    var html = document.documentElement, lang = html.getAttribute("lang");
    html.setAttribute("lang", INDEX_LANGUAGE);
    try {
      return pf.createInstance({ baseUrl: root.pathname });
    } finally {
      if (lang === null) html.removeAttribute("lang"); else html.setAttribute("lang", lang);
    }
  }

  function pagefind() {
    if (!loading) {
      loading = import(bundle.href + "pagefind.js").then(function (pf) {
        var index = instance(pf);
        return loadShards().then(function (names) {
          /* 大型站点的索引分片在浏览器中合并（Pagefind 的 mergeIndex）。 */
          return Promise.all(names.map(function (name) {
            return index.mergeIndex(new URL(name, bundle).pathname, { baseUrl: root.pathname, language: INDEX_LANGUAGE });
          }));
        }).then(function () { return index; });
      }).catch(function (err) { loading = null; throw err; });
    }
    return loading;
  }

  /* 查询词：较长的汉字串取每个相邻 PIECE 个字的片段（相互重叠，都须命中：龙兴技师 → 龙兴 兴技 技师），
     编码中的 - 和 . 换成 _（索引中也是这样），其余符号是分隔。 */
  function queryWords(q) {
    var out = [];
    (q.match(TOKEN) || []).forEach(function (w) {
      if (/^[0-9A-Za-z]/.test(w)) { out.push(w.split(/[-.]+/).join("_")); return; }
      if (w.length <= PIECE) { out.push(w); return; }
      for (var i = 0; i + PIECE <= w.length; i++) out.push(w.slice(i, i + PIECE));
    });
    return out;
  }

  /* 一次搜索：查询词加上筛选词（search.py 的 filter_words，每个词都必须命中），交给 Pagefind。
     搜索框、结果页都用它；window.muluSearch 是同一个函数（浏览器测试用它逐条核对，不必每次打开页面）。 */
  function find(term, filters) {
    return pagefind().then(function (index) {
      var q = queryWords(term);
      return q.length ? index.search(q.concat(filters || []).join(" ")) : { results: [] };
    });
  }
  /* 换一个新的 Pagefind 实例，丢弃已载入的索引块：下一次搜索像新打开的页面一样从头载入（浏览器测试逐条查询时用，
     否则前面的查询载入的块会掩盖后面的查询漏载的块）。先建新实例再关旧的，共用的 worker 不必重启。 */
  find.restart = function () {
    var was = loading;
    loading = null;
    var next = pagefind();
    return Promise.all([was, next]).then(function (both) { return both[0] && both[0].destroy(); }, function () {});
  };
  window.muluSearch = find;

  /* 摘要中要高亮的原词（汉字整段、编码原样）。 */
  function highlightWords(q) {
    return (q.match(TOKEN) || []).map(function (w) { return w.toLowerCase(); });
  }

  function appendMarked(el, text, words) {
    var lower = text.toLowerCase(), i = 0;
    while (i < text.length) {
      var best = -1, len = 0;
      words.forEach(function (w) {
        var at = lower.indexOf(w, i);
        if (at !== -1 && (best === -1 || at < best)) { best = at; len = w.length; }
      });
      if (best === -1) { el.appendChild(document.createTextNode(text.slice(i))); return; }
      if (best > i) el.appendChild(document.createTextNode(text.slice(i, best)));
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      el.appendChild(m);
      i = best + len;
    }
  }

  /* 其他页面用 Pagefind 的摘要，但只取文字（标签一律丢弃）：索引不分词，它标出的“词”可能是一整句，
     所以这里自己标出查询词，只留第一处前后 EXCERPT 个字左右。 */
  var EXCERPT = 90;
  function appendExcerpt(el, html, words) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html || "";
    var text = tpl.content.textContent || "", lower = text.toLowerCase(), first = -1;
    words.forEach(function (w) {
      var at = lower.indexOf(w);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    });
    var from = Math.max(0, first - 20), to = from + EXCERPT;
    appendMarked(el, (from > 0 ? "…" : "") + text.slice(from, to) + (text.length > to ? "…" : ""), words);
  }

  function badge(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  /* 一条结果：类型、地区、状态徽标，标题，摘要（记录只显示命中的字段，最多两行）。 */
  function resultItem(data, words) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    li.className = "mulu-search__hit";
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = meta.title || data.url;
    var head = document.createElement("div");
    head.className = "mulu-search__badges";
    if (meta.kind) head.appendChild(badge("mulu-search__kind", meta.kind));
    if (meta.region) head.appendChild(badge("mulu-search__region", meta.region));
    if (meta.status) head.appendChild(badge("mulu-status mulu-status--" + (meta.status_class || "other"), meta.status));
    li.appendChild(a);
    if (head.childNodes.length) li.appendChild(head);
    var p = document.createElement("p");
    p.className = "mulu-search__excerpt";
    if (meta.lines) {
      var lines = meta.lines.split(LINE_SEPARATOR);
      var hits = lines.filter(function (line) {
        var lower = line.toLowerCase();
        return words.some(function (w) { return lower.indexOf(w) !== -1; });
      });
      (hits.length ? hits : lines).slice(0, hits.length ? 2 : 1).forEach(function (line, i) {
        if (i) p.appendChild(document.createElement("br"));
        appendMarked(p, line, words);
      });
    } else {
      appendExcerpt(p, data.excerpt, words);
    }
    li.appendChild(p);
    return li;
  }

  function resultsUrl(q) {
    return new URL("search/?q=" + encodeURIComponent(q), root).href;
  }

  /* 页眉和首页：输入时显示前几条结果和“查看全部”；回车提交表单，打开结果页。 */
  function setupBox(box, n) {
    var input = box.querySelector("input");
    var panel = box.querySelector(".mulu-search__results");
    var summary = box.querySelector(".mulu-search__summary");
    var list = box.querySelector(".mulu-search__list");
    if (!input || !panel || !list) return;
    if (!input.id) input.id = "mulu-q-" + n;
    var generation = 0, timer = null;
    var all = document.createElement("a");
    all.className = "mulu-search__all";
    all.hidden = true;
    panel.appendChild(all);

    function show(on) { panel.hidden = !on; }

    function run() {
      var term = input.value.trim();
      var gen = ++generation;
      if (!term) { list.textContent = ""; all.hidden = true; show(false); return; }
      summary.textContent = "正在搜索……";
      show(true);
      find(term).then(function (r) {
        if (gen !== generation) return;
        var results = (r && r.results) || [];
        var words = highlightWords(term);
        return Promise.all(results.slice(0, DROPDOWN).map(function (x) { return x.data(); })).then(function (data) {
          if (gen !== generation) return;
          list.textContent = "";
          summary.textContent = results.length ? "找到 " + results.length + " 个结果" : "没有找到与“" + term + "”相关的结果。";
          data.forEach(function (d) { list.appendChild(resultItem(d, words)); });
          all.href = resultsUrl(term);
          all.textContent = results.length > DROPDOWN ? "查看全部 " + results.length + " 个结果，可按类型和地区筛选" : "在结果页按类型和地区筛选";
          all.hidden = !results.length;
        });
      }).catch(function () {
        if (gen !== generation) return;
        summary.textContent = "搜索暂时无法使用，请稍后再试。";
      });
    }

    input.addEventListener("focus", function () { pagefind().catch(function () {}); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") show(false); });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) show(false); });
    if (input.value.trim()) run();
  }

  /* 结果页 search/?q=&kind=&region=：全部结果，按类型和地区（含下级）筛选，地址可分享。 */
  function setupPage(box) {
    var form = box.querySelector("form");
    var input = box.querySelector("input[name=q]");
    var kindSel = box.querySelector("select[name=kind]");
    var regionSel = box.querySelector("select[name=region]");
    var summary = box.querySelector(".mulu-search__summary");
    var list = box.querySelector(".mulu-search__list");
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var wanted = { kind: params.get("kind") || "", region: params.get("region") || "" };
    var generation = 0, current = [], shown = 0, words = [];
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button mulu-search__more";
    more.textContent = "显示更多结果";
    more.hidden = true;
    box.querySelector(".mulu-search__results").appendChild(more);

    function renderMore() {
      var gen = generation;
      var slice = current.slice(shown, shown + PAGE_SIZE);
      shown = Math.min(current.length, shown + PAGE_SIZE);
      more.hidden = shown >= current.length;
      return Promise.all(slice.map(function (x) { return x.data(); })).then(function (data) {
        if (gen !== generation) return;
        data.forEach(function (d) { list.appendChild(resultItem(d, words)); });
      });
    }

    function run(push) {
      var term = input.value.trim();
      var gen = ++generation;
      var url = new URL(location.href);
      url.search = "";
      if (term) url.searchParams.set("q", term);
      if (wanted.kind) url.searchParams.set("kind", wanted.kind);
      if (wanted.region) url.searchParams.set("region", wanted.region);
      if (url.href !== location.href) history[push ? "pushState" : "replaceState"](null, "", url.href);
      list.textContent = "";
      more.hidden = true;
      if (!term) { summary.textContent = "请输入要搜索的机构、地区、职业或编码。"; return; }
      summary.textContent = "正在搜索……";
      kindSel.value = wanted.kind;
      regionSel.value = wanted.region;
      /* 筛选也是词（search.py 的 filter_words）：k_类型、r_地区代码，查询的每个词都必须命中。 */
      var filters = [];
      if (wanted.kind) filters.push("k_" + wanted.kind.toLowerCase());
      if (wanted.region) filters.push("r_" + wanted.region);
      find(term, filters).then(function (r) {
        if (gen !== generation) return;
        current = r.results || [];
        shown = 0;
        words = highlightWords(term);
        var scope = [kindSel, regionSel].filter(function (s) { return s.value; })
          .map(function (s) { return s.options[s.selectedIndex].textContent.trim(); }).join("、");
        summary.textContent = current.length
          ? "“" + term + "”" + (scope ? "（" + scope + "）" : "") + "：找到 " + current.length + " 个结果"
          : "没有找到与“" + term + "”相关的结果" + (scope ? "（" + scope + "）。可以改选“全部类型”或“全部地区”再试。" : "。可以换一个词，或用更短的词。");
        return renderMore();
      }).catch(function () {
        if (gen === generation) summary.textContent = "搜索暂时无法使用，请稍后再试。";
      });
    }

    more.addEventListener("click", renderMore);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
    kindSel.addEventListener("change", function () { wanted.kind = kindSel.value; run(true); });
    regionSel.addEventListener("change", function () { wanted.region = regionSel.value; run(true); });
    window.addEventListener("popstate", function () {
      var p = new URLSearchParams(location.search);
      input.value = p.get("q") || "";
      wanted = { kind: p.get("kind") || "", region: p.get("region") || "" };
      run(false);
    });
    run(false);
  }

  boxes.forEach(function (box, n) {
    if (box.hasAttribute("data-mulu-search-page")) setupPage(box);
    else setupBox(box, n);
  });

  /* 手机上页眉只显示放大镜按钮，点击后展开搜索框。 */
  var toggle = document.querySelector(".mulu-search-toggle");
  var header = document.getElementById("mulu-header-search");
  if (toggle && header) {
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("mulu-header-search--open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var q = header.querySelector("input"); if (q) q.focus(); }
    });
  }
})();
