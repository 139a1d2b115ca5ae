/* mulu 找培训：按地区（任一级）和职业或专项职业能力，列出本地区及上级地区的补贴标准
   （紧缺职业按目录上浮）、可以培训的机构（本地区及下级地区；线上平台也服务其下级地区）
   和可以认定的评价机构（地区互相包含即可）。规则与 mulu/site/where.py 相同，
   以所选地区代替项目的适用地区。查询保存在网址中（?region=&occupation=|spec=&level=）。
   所有文字以 textContent 插入。 */
(function () {
  "use strict";
  var form = document.querySelector(".mulu-find");
  if (!form) return;
  var out = document.querySelector(".mulu-find__result");
  var regionInput = form.querySelector("#find-region");
  var occInput = form.querySelector("#find-occupation");
  var levelSelect = form.querySelector("#find-level");
  var data = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function a(href, text) { var x = el("a", null, text); x.href = href; return x; }
  function recordHref(kind, id) { return "../" + kind + "/" + encodeURIComponent(id) + "/"; }
  function money(v) { return typeof v === "number" ? v.toLocaleString("zh-CN") + " 元" : "—"; }

  function regionName(code) { var r = data.regions[code]; return r ? r[0] : code; }
  function parent(code) { var r = data.regions[code]; return r ? r[1] : null; }
  // Whether region `code` lies within `ancestor` (or is it); 100000 (全国) contains everything.
  function inRegion(code, ancestor) {
    if (ancestor === "100000") return true;
    for (var c = code; c; c = parent(c)) if (c === ancestor) return true;
    return false;
  }
  function province(code) { var c = code; while (parent(c)) c = parent(c); return c; }

  function regionLabel(code) { return regionName(code) + "（" + code + "）"; }
  function occLabel(code) { return data.occupations[code] + "（" + code + "）"; }
  function specLabel(id) { return data.specs[id][0] + "（专项职业能力）"; }

  function fillLists() {
    var regions = document.getElementById("find-regions");
    Object.keys(data.regions).sort().forEach(function (code) {
      var o = document.createElement("option"); o.value = regionLabel(code); regions.appendChild(o);
    });
    var occs = document.getElementById("find-occupations");
    Object.keys(data.occupations).sort().forEach(function (code) {
      var o = document.createElement("option"); o.value = occLabel(code); occs.appendChild(o);
    });
    Object.keys(data.specs).sort().forEach(function (id) {
      var o = document.createElement("option"); o.value = specLabel(id); occs.appendChild(o);
    });
  }

  // What the user typed or chose: an exact option, a code, else the first name containing it.
  function resolveRegion(text) {
    text = (text || "").trim();
    if (!text) return null;
    var codes = Object.keys(data.regions).sort();
    var i;
    for (i = 0; i < codes.length; i++) if (text === regionLabel(codes[i]) || text === codes[i]) return codes[i];
    for (i = 0; i < codes.length; i++) if (regionName(codes[i]) === text) return codes[i];
    for (i = 0; i < codes.length; i++) if (regionName(codes[i]).indexOf(text) >= 0) return codes[i];
    return null;
  }
  function resolveNeed(text) {
    text = (text || "").trim();
    if (!text) return null;
    var occs = Object.keys(data.occupations).sort(), specs = Object.keys(data.specs).sort(), i;
    for (i = 0; i < occs.length; i++) if (text === occLabel(occs[i]) || text === occs[i]) return { occupation: occs[i] };
    for (i = 0; i < specs.length; i++) if (text === specLabel(specs[i]) || text === specs[i]) return { spec: specs[i] };
    for (i = 0; i < occs.length; i++) if (data.occupations[occs[i]] === text) return { occupation: occs[i] };
    for (i = 0; i < specs.length; i++) if (data.specs[specs[i]][0] === text) return { spec: specs[i] };
    for (i = 0; i < occs.length; i++) if (data.occupations[occs[i]].indexOf(text) >= 0) return { occupation: occs[i] };
    for (i = 0; i < specs.length; i++) if (data.specs[specs[i]][0].indexOf(text) >= 0) return { spec: specs[i] };
    return null;
  }

  function needOccupation(need) { return need.spec ? (data.specs[need.spec] || ["", ""])[1] : need.occupation; }
  function needName(need) { return need.spec ? data.specs[need.spec][0] : data.occupations[need.occupation]; }

  function programmeMatches(p, need, level) {
    if (need.spec ? p[5] !== need.spec : p[3] !== need.occupation) return false;
    return !level || p[7].some(function (lv) { return lv[0] === level || lv[0] === ""; });
  }
  // An offer covers the need: same occupation, the level among its levels (none: every level).
  function covers(offers, occupation, level) {
    return offers.some(function (o) { return o[0] === occupation && (!level || !o[2].length || o[2].indexOf(level) >= 0); });
  }

  function programmes(region, need, level) {
    return data.programmes.filter(function (p) { return inRegion(region, p[2]) && programmeMatches(p, need, level); });
  }
  function institutions(region, occupation, level) {
    return data.institutions.filter(function (u) {
      return covers(u[4], occupation, level) && (inRegion(u[2], region) || (u[3] && inRegion(region, u[2])));
    });
  }
  function assessors(region, occupation, level) {
    return data.assessors.filter(function (u) {
      return covers(u[3], occupation, level) && (inRegion(u[2], region) || inRegion(region, u[2]));
    });
  }

  function programmeBlock(p, level) {
    var box = el("section", "mulu-find__programme");
    var h = el("h4"); h.appendChild(a(recordHref("programmes", p[0]), p[1])); box.appendChild(h);
    box.appendChild(el("p", null, "适用地区：" + regionName(p[2]) + (p[6] ? "；培训类别：" + p[6] : "")));
    var rows = p[7].filter(function (lv) { return !level || lv[0] === level || lv[0] === ""; });
    var raised = rows.some(function (lv) { return lv[3] != null; });
    var table = el("table", "mulu-table mulu-table--cards");
    table.appendChild(el("caption", null, p[1] + " 补贴标准"));
    var head = ["等级", "培训课时", "补贴标准"].concat(raised ? ["紧缺上浮", "上浮后补贴标准"] : []).concat(["证书"]);
    var tr = el("tr");
    head.forEach(function (t) { var th = el("th", null, t); th.scope = "col"; tr.appendChild(th); });
    var thead = el("thead"); thead.appendChild(tr); table.appendChild(thead);
    var tbody = el("tbody");
    rows.forEach(function (lv) {
      var cells = [lv[0] || "—", lv[1] == null ? "—" : String(lv[1]), money(lv[2])];
      if (raised) cells.push(lv[4] || "—", lv[3] == null ? "—" : money(lv[3]));
      cells.push(lv[5] || "—");
      var r = el("tr");
      cells.forEach(function (c, i) {
        var td = el("td"); td.setAttribute("data-label", head[i]);
        if (raised && i === 4 && lv[3] != null) td.appendChild(el("strong", null, c)); else td.textContent = c;
        r.appendChild(td);
      });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    var wrap = el("div", "mulu-table-wrap"); wrap.appendChild(table); box.appendChild(wrap);
    return box;
  }

  function unitList(kind, units, online) {
    var ul = el("ul", "mulu-related mulu-where");
    units.forEach(function (u) {
      var li = el("li");
      li.appendChild(a(recordHref(kind, u[0]), u[1]));
      if (online && u[3]) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "mulu-online", "线上")); }
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "mulu-region", regionName(u[2])));
      ul.appendChild(li);
    });
    return ul;
  }

  function show(region, need, level) {
    out.textContent = "";
    var place = regionName(region), name = needName(need) + (level ? "（" + level + "）" : "");
    var occupation = needOccupation(need);
    out.appendChild(el("h2", null, place + " · " + name));
    if (occupation && data.occupations[occupation]) {
      var about = el("p", null, "职业介绍：");
      about.appendChild(a("../occupations/" + occupation + "/", occLabel(occupation)));
      out.appendChild(about);
    }
    var found = programmes(region, need, level);
    var insts = occupation ? institutions(region, occupation, level) : [];
    var assess = occupation ? assessors(region, occupation, level) : [];
    var summary = el("p", "mulu-find__summary");
    out.appendChild(summary);

    out.appendChild(el("h3", null, "补贴标准（" + found.length + "）"));
    if (found.length) {
      found.forEach(function (p) { out.appendChild(programmeBlock(p, level)); });
    } else {
      var prov = province(region);
      var nearby = data.programmes.filter(function (p) {
        return programmeMatches(p, need, level) && inRegion(p[2], prov);
      });
      var elsewhere = nearby.length ? [] : data.programmes.filter(function (p) { return programmeMatches(p, need, level); });
      var empty = el("div", "mulu-find__empty");
      empty.appendChild(el("p", null, place + "暂无" + name + "补贴项目。"));
      var alt = nearby.length ? nearby : elsewhere.slice(0, 8);
      if (alt.length) {
        var p = el("p", null, (nearby.length ? regionName(prov) + "内：" : "其他地区：")); 
        alt.forEach(function (x, i) {
          if (i) p.appendChild(document.createTextNode("、"));
          p.appendChild(a(recordHref("programmes", x[0]), regionName(x[2]) + " " + x[1]));
        });
        empty.appendChild(p);
      } else {
        empty.appendChild(el("p", null, "本站目录中其他地区也暂无该职业的补贴项目。"));
      }
      out.appendChild(empty);
    }

    if (!occupation) {
      out.appendChild(el("p", "mulu-find__empty", "该专项职业能力没有对应的职业编码，本站无法据机构目录判断哪些机构可以培训或认定；" +
        "请咨询当地人力资源和社会保障部门。"));
      summary.textContent = found.length ? place + "有 " + found.length + " 个适用的" + name + "补贴项目。" : place + "暂无" + name + "补贴项目。";
      return;
    }
    out.appendChild(el("h3", null, "可以培训的机构（" + insts.length + "）"));
    if (insts.length) out.appendChild(unitList("institutions", insts, true));
    else {
      var provI = occupation ? institutions(province(region), occupation, level) : [];
      out.appendChild(el("p", "mulu-find__empty", place + "及下级地区暂无承担补贴性培训、培训" + name + "的在册机构" +
        (provI.length && province(region) !== region ? "；" + regionName(province(region)) + "内有 " + provI.length + " 家。" : "。")));
      if (provI.length && province(region) !== region) out.appendChild(unitList("institutions", provI, true));
    }
    out.appendChild(el("h3", null, "可以认定的评价机构（" + assess.length + "）"));
    if (assess.length) out.appendChild(unitList("assessors", assess, false));
    else out.appendChild(el("p", "mulu-find__empty", place + "暂无认定范围覆盖" + name + "的在册评价机构。"));

    summary.textContent = (found.length ? place + "有 " + found.length + " 个适用的" + name + "补贴项目" : place + "暂无" + name + "补贴项目") +
      "；" + place + "有 " + insts.length + " 家机构培训" + name + "，" + assess.length + " 家评价机构可以认定。";
  }

  function run(push) {
    var region = resolveRegion(regionInput.value);
    var need = resolveNeed(occInput.value);
    var level = levelSelect.value;
    out.textContent = "";
    if (!region || !need) {
      var msg = !region ? "没有找到地区“" + regionInput.value.trim() + "”：请从列表中选择，或输入省、市、县的名称。"
                        : "没有找到职业“" + occInput.value.trim() + "”：请从列表中选择，或输入职业名称、编码（如 6-18-02-04）。";
      out.appendChild(el("p", "mulu-find__error", msg));
      return;
    }
    regionInput.value = regionLabel(region);
    occInput.value = need.spec ? specLabel(need.spec) : occLabel(need.occupation);
    show(region, need, level);
    if (push) {
      var q = new URLSearchParams();
      q.set("region", region);
      if (need.spec) q.set("spec", need.spec); else q.set("occupation", need.occupation);
      if (level) q.set("level", level);
      history.replaceState(null, "", "?" + q.toString());
    }
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); if (data) run(true); });

  fetch(form.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (d) {
      data = d;
      fillLists();
      var q = new URLSearchParams(location.search);
      if (q.get("region")) regionInput.value = q.get("region");
      if (q.get("spec")) occInput.value = q.get("spec");
      else if (q.get("occupation")) occInput.value = q.get("occupation");
      if (q.get("level")) levelSelect.value = q.get("level");
      form.setAttribute("data-ready", "");
      if (regionInput.value && occInput.value) run(false);
    })
    .catch(function () { out.textContent = "数据加载失败，请刷新页面重试。"; });
}());
