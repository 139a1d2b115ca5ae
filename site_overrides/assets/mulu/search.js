/* mulu 全文搜索：Pagefind（扩展版，中文分词）的模块化界面（搜索实例和输入框），首次聚焦搜索框时才加载；
   结果列表自己渲染，每次 10 条。
   结果中的文字一律作为文本插入；摘要只保留 Pagefind 的 <mark> 高亮。 */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-mulu-search]");
  if (!boxes.length) return;
  var cfg = document.getElementById("__config");
  var base = ".";
  try { base = JSON.parse(cfg.textContent).base || "."; } catch (e) { /* 保持默认 */ }
  var root = new URL(base.replace(/\/?$/, "/"), location.href);
  var bundle = new URL("pagefind/", root);
  var uiLoading = null;

  function loadUI() {
    if (!uiLoading) {
      uiLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = bundle.href + "pagefind-modular-ui.js";
        s.onload = function () { resolve(window.PagefindModularUI); };
        s.onerror = function () { uiLoading = null; reject(new Error("搜索组件加载失败")); };
        document.head.appendChild(s);
      });
    }
    return uiLoading;
  }

  /* 索引分片的列表：小站点是 []；取不到时按单一索引搜索。 */
  function loadShards() {
    return fetch(bundle.href + "mulu-shards.json").then(function (r) {
      return r.ok ? r.json() : [];
    }).then(function (names) {
      return Array.isArray(names) ? names.filter(function (n) { return /^shard-\d+\/$/.test(n); }) : [];
    }, function () { return []; });
  }

  /* Pagefind 的摘要是 HTML：只取文字和 <mark>，其余标签一律丢弃。 */
  function appendExcerpt(el, html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html || "";
    tpl.content.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = node.textContent;
        el.appendChild(m);
      } else {
        el.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
  }

  function resultTemplate(result) {
    var li = document.createElement("li");
    li.className = "mulu-search__hit";
    var a = document.createElement("a");
    a.href = result.url;
    a.textContent = (result.meta && result.meta.title) || result.url;
    var p = document.createElement("p");
    appendExcerpt(p, result.excerpt);
    if (result.meta && result.meta.kind) {
      var kind = document.createElement("span");
      kind.className = "mulu-search__kind";
      kind.textContent = result.meta.kind;
      li.appendChild(kind);
    }
    li.appendChild(a);
    if (result.meta && result.meta.status && result.meta.status_class !== "listed") {
      var badge = document.createElement("span");
      badge.className = "mulu-status mulu-status--" + (result.meta.status_class || "other");
      badge.textContent = result.meta.status;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(badge);
    }
    li.appendChild(p);
    return li;
  }

  /* 每次只显示 10 条结果（只为它们下载摘要）；常见词可能命中上千个页面。 */
  var PAGE_SIZE = 10;

  function setup(box, n) {
    var input = box.querySelector("input");
    var panel = box.querySelector(".mulu-search__results");
    var summary = box.querySelector(".mulu-search__summary");
    var list = box.querySelector(".mulu-search__list");
    if (!input || !panel || !list) return;
    if (!input.id) input.id = "mulu-q-" + n;
    list.id = input.id + "-list";
    var ready = null;
    var current = [], shown = 0, generation = 0;
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button mulu-search__more";
    more.textContent = "显示更多结果";
    more.hidden = true;
    panel.appendChild(more);

    function show(on) { panel.hidden = !on; }

    function renderMore() {
      var gen = generation;
      current.slice(shown, shown + PAGE_SIZE).forEach(function (res) {
        var li = document.createElement("li");
        li.className = "mulu-search__hit mulu-search__hit--loading";
        li.textContent = "正在载入……";
        list.appendChild(li);
        res.data().then(function (data) {
          if (gen === generation && li.parentNode === list) list.replaceChild(resultTemplate(data), li);
        });
      });
      shown = Math.min(current.length, shown + PAGE_SIZE);
      more.hidden = shown >= current.length;
    }

    more.addEventListener("click", renderMore);

    function start() {
      if (!ready) {
        ready = Promise.all([loadUI(), loadShards()]).then(function (got) {
          var UI = got[0];
          /* 大型站点的索引分片（mulu-shards.json，见 mulu/site/output.py），在浏览器中合并。 */
          var merge = got[1].map(function (name) {
            return { bundlePath: new URL(name, bundle).pathname, baseUrl: root.pathname };
          });
          var instance = new UI.Instance({ bundlePath: bundle.pathname, baseUrl: root.pathname, mergeIndex: merge });
          instance.add(new UI.Input({ inputElement: "#" + input.id, debounceTimeoutMs: 120 }));
          instance.on("loading", function () {
            if (input.value.trim()) { summary.textContent = "正在搜索……"; show(true); }
          });
          instance.on("results", function (r) {
            var term = input.value.trim();
            generation += 1;
            list.textContent = "";
            current = term ? (r && r.results) || [] : [];
            shown = 0;
            more.hidden = true;
            if (!term) { show(false); return; }
            var count = current.length;
            summary.textContent = count ? "找到 " + count + " 个相关页面" : "没有找到与“" + term + "”相关的页面。";
            renderMore();
            show(true);
          });
          if (input.value.trim()) instance.triggerSearch(input.value);
          return instance;
        }).catch(function () {
          ready = null;
          summary.textContent = "搜索暂时无法使用，请稍后再试。";
          show(true);
        });
      }
      return ready;
    }

    input.addEventListener("focus", start);
    input.addEventListener("input", function () { if (!input.value.trim()) show(false); start(); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") show(false); });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) show(false); });
  }

  boxes.forEach(setup);

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
