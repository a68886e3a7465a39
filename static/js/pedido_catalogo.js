/* Order entry, catalogue side: panels next to the product search (favourites, promotions,
 * last quotes, similar/complementary, cart, paste box), stars, cart. No inline JS (CSP).
 * Keyboard (printed on the buttons and in the "?" dialog), letters only outside a field, no
 * modifier, so no browser shortcut is taken:
 *   f favourites · p promotions · u last quotes · s similar/complementary · c cart · l paste
 *   In a panel: Enter in a quantity adds that product · ↓ ↑ move between rows · Esc closes
 *   In the search results: * star · + put in / take out of the cart
 *   In the paste box: Ctrl+Enter adds the lines
 */
(function () {
  "use strict";

  var PAINEIS = { f: "favoritos", p: "promocoes", u: "cotacoes", s: "sugestoes", c: "carrinho", l: "colar" };

  function $(id) { return document.getElementById(id); }
  function emCampo(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function focar(el) { if (el) { el.focus(); if (el.select && el.tagName !== "TEXTAREA") { el.select(); } } }
  function raiz() { return $("catalogo"); }

  // --- panels ---------------------------------------------------------------------------------
  function painelAberto() {
    var r = raiz();
    var aberto = r && r.querySelector(".catalogo-painel:not([hidden])");
    return aberto ? aberto.id.replace("catalogo-painel-", "") : null;
  }

  // What the keyboard wants first in a panel: a quantity to type, the paste box, a link.
  var PREFERIDOS = ["input[data-catalogo-qtd]:not([disabled])", "#colar-texto", "input[data-carrinho-qtd]", "a[href]", "button:not([disabled])"];
  function primeiroFocavel(painel) {
    for (var i = 0; i < PREFERIDOS.length; i++) {
      var el = painel.querySelector(PREFERIDOS[i]);
      if (el) { return el; }
    }
    return null;
  }

  function abrir(nome, opcoes) {
    var r = raiz();
    if (!r) { return; }
    var painel = $("catalogo-painel-" + nome);
    if (!painel) { return; }
    opcoes = opcoes || {};
    r.querySelectorAll(".catalogo-painel").forEach(function (p) { p.hidden = p !== painel; });
    r.querySelectorAll("[data-catalogo-abrir]").forEach(function (b) {
      b.setAttribute("aria-selected", b.getAttribute("data-catalogo-abrir") === nome ? "true" : "false");
    });
    var fechar = r.querySelector("[data-catalogo-fechar]");
    if (fechar) { fechar.hidden = false; }
    var preguicoso = painel.querySelector("[hx-trigger='catalogo:carregar']");
    if (preguicoso && window.htmx && !opcoes.semCarregar) {
      // Fresh every time it opens (promotions and quotes change during the day).
      focoAoCarregar = opcoes.semFoco ? null : nome;
      window.htmx.trigger(preguicoso, "catalogo:carregar");
    } else if (!opcoes.semFoco) {
      focar(primeiroFocavel(painel) || r.querySelector("[data-catalogo-abrir='" + nome + "']"));
    }
  }
  var focoAoCarregar = null;

  function fechar() {
    var r = raiz();
    if (!r) { return; }
    r.querySelectorAll(".catalogo-painel").forEach(function (p) { p.hidden = true; });
    r.querySelectorAll("[data-catalogo-abrir]").forEach(function (b) { b.setAttribute("aria-selected", "false"); });
    var f = r.querySelector("[data-catalogo-fechar]");
    if (f) { f.hidden = true; }
    focar($("busca-produto"));
  }

  document.addEventListener("click", function (ev) {
    var botao = ev.target.closest("[data-catalogo-abrir]");
    if (botao) {
      var nome = botao.getAttribute("data-catalogo-abrir");
      if (painelAberto() === nome) { fechar(); } else { abrir(nome); }
      return;
    }
    if (ev.target.closest("[data-catalogo-fechar]")) { fechar(); return; }
    if (ev.target.closest("[data-carrinho-esvaziar]")) { salvar([]); desenharCarrinho(); return; }
    var tirar = ev.target.closest("[data-carrinho-tirar]");
    if (tirar) {
      var linha = tirar.closest("tr");
      var id = linha.querySelector("input[name=produto]").value;
      salvar(carrinho().filter(function (l) { return l.produto !== id; }));
      desenharCarrinho();
    }
  });

  // --- cart (kept in this tab, per order) -------------------------------------------------------
  function chave() { var r = raiz(); return "catalogo-carrinho-" + (r ? r.getAttribute("data-pedido") : ""); }
  function carrinho() {
    try { return JSON.parse(window.sessionStorage.getItem(chave()) || "[]"); } catch (e) { return []; }
  }
  function salvar(linhas) {
    try { window.sessionStorage.setItem(chave(), JSON.stringify(linhas)); } catch (e) { /* storage refused: the cart is lost on reload */ }
  }

  function desenharCarrinho() {
    var corpo = $("carrinho-linhas");
    var modelo = $("carrinho-modelo");
    var linhas = carrinho();
    if (corpo && modelo) {
      corpo.innerHTML = "";
      linhas.forEach(function (l) {
        var tr = modelo.content.firstElementChild.cloneNode(true);
        tr.querySelector("input[name=produto]").value = l.produto;
        tr.querySelector("input[name=promocao]").value = l.promocao || "";
        tr.querySelector("[data-rotulo]").textContent = l.rotulo + (l.promocao ? " (promoção)" : "");
        var qtd = tr.querySelector("input[name=quantidade]");
        qtd.value = l.quantidade;
        qtd.setAttribute("aria-label", "Quantidade de " + l.rotulo);
        corpo.appendChild(tr);
      });
      $("carrinho-vazio").hidden = linhas.length > 0;
      $("carrinho-incluir").disabled = linhas.length === 0;
    }
    sincronizarCaixas(linhas);
  }

  // Counter and ticks only: the cart rows are rebuilt on cart changes alone, never under the
  // rep's fingers when some other swap lands.
  function sincronizarCaixas(linhas) {
    linhas = linhas || carrinho();
    var contador = $("carrinho-contador");
    if (contador) { contador.textContent = String(linhas.length); }
    var ids = {};
    linhas.forEach(function (l) { ids[l.produto] = true; });
    document.querySelectorAll("input[data-carrinho]").forEach(function (c) { c.checked = !!ids[c.getAttribute("data-carrinho")]; });
  }

  function quantidadeDaLinha(caixa) {
    var linha = caixa.closest("tr");
    var qtd = linha ? linha.querySelector("input[data-catalogo-qtd]") : null;
    return qtd && qtd.value.trim() ? qtd.value.trim() : "1";
  }

  function alternarCarrinho(caixa, marcado) {
    var id = caixa.getAttribute("data-carrinho");
    var linhas = carrinho().filter(function (l) { return l.produto !== id; });
    if (marcado) {
      linhas.push({
        produto: id,
        rotulo: caixa.getAttribute("data-rotulo"),
        promocao: caixa.getAttribute("data-promocao") || "",
        quantidade: quantidadeDaLinha(caixa)
      });
    }
    salvar(linhas);
    desenharCarrinho();
  }

  document.addEventListener("change", function (ev) {
    var caixa = ev.target.closest && ev.target.closest("input[data-carrinho]");
    if (caixa) { alternarCarrinho(caixa, caixa.checked); return; }
    var qtd = ev.target.closest && ev.target.closest("input[data-carrinho-qtd]");
    if (qtd) {
      var id = qtd.closest("tr").querySelector("input[name=produto]").value;
      salvar(carrinho().map(function (l) { if (l.produto === id) { l.quantidade = qtd.value; } return l; }));
    }
  });

  // --- stars: every star of the product follows the answer -----------------------------------
  document.body.addEventListener("catalogo:favorito", function (ev) {
    var d = ev.detail || {};
    document.querySelectorAll("[data-favorito='" + d.produto + "']").forEach(function (b) {
      b.classList.toggle("ativa", !!d.ativo);
      b.setAttribute("aria-pressed", d.ativo ? "true" : "false");
      b.textContent = d.ativo ? "★" : "☆";
      b.title = (d.ativo ? "Tirar dos favoritos" : "Pôr nos favoritos") + " (*)";
    });
  });

  // --- after an inclusion ----------------------------------------------------------------------
  var abrirSugestoes = false;
  var carrinhoMudou = false;
  document.body.addEventListener("catalogo:incluidos", function (ev) {
    var d = ev.detail || {};
    if (d.origem === "carrinho" && d.incluidos) {
      // Refused lines stay in the cart (the report says why); the others went in.
      var recusados = d.recusados || [];
      var linhas = carrinho().filter(function (l, i) { return recusados.indexOf(i + 1) >= 0; });
      salvar(linhas);
      carrinhoMudou = true;
      focoDepois = linhas.length ? null : "busca-produto";
    } else if (d.origem === "colar" && d.incluidos) {
      focoDepois = (d.recusados || []).length ? "colar-texto" : "busca-produto";
    }
    abrirSugestoes = !!d.incluidos && ["carrinho", "colar"].indexOf(painelAberto()) < 0;
  });
  var focoDepois = null;

  // The search form adds one item through vendas:item-adicionar: ask for its suggestions.
  var produtoDoForm = null;
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var elt = ev.detail.elt;
    if (elt && elt.id === "form-item") { produtoDoForm = ($("add-produto") || {}).value || null; }
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var elt = ev.detail.elt;
    if (!elt || elt.id !== "form-item" || !produtoDoForm || !ev.detail.successful) { return; }
    var xhr = ev.detail.xhr;
    var id = produtoDoForm;
    produtoDoForm = null;
    if (xhr && xhr.getResponseHeader("HX-Retarget")) { return; } // refused: nothing was added
    var r = raiz();
    if (!r || !window.htmx) { return; }
    abrirSugestoes = ["carrinho", "colar"].indexOf(painelAberto()) < 0;
    window.htmx.ajax("GET", r.getAttribute("data-url-sugestoes") + "?produto=" + encodeURIComponent(id), {
      target: "#catalogo-sugestoes", swap: "outerHTML"
    });
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    if (carrinhoMudou) { carrinhoMudou = false; desenharCarrinho(); } else { sincronizarCaixas(); }
    var alvo = ev.detail.target;
    var contador = document.querySelector("#catalogo-tab-favoritos .contador");
    var favoritos = $("catalogo-favoritos");
    if (contador && favoritos && alvo && alvo.id === "catalogo-favoritos") {
      contador.textContent = String(favoritos.querySelectorAll("tr[data-catalogo-linha]").length);
    }
    if (focoAoCarregar && alvo && /^catalogo-(promocoes|cotacoes)$/.test(alvo.id)) {
      var painel = $("catalogo-painel-" + focoAoCarregar);
      focoAoCarregar = null;
      if (painel) { focar(primeiroFocavel(painel)); }
    }
    var sugestoes = $("catalogo-sugestoes");
    if (abrirSugestoes && sugestoes && sugestoes.getAttribute("data-sugestoes") !== "0") {
      abrirSugestoes = false;
      abrir("sugestoes", { semFoco: true });
    }
    if (focoDepois) { var f = $(focoDepois); focoDepois = null; if (f) { focar(f); } }
    if (alvo && alvo.id === "catalogo-sugestoes" && ev.detail.requestConfig && ev.detail.requestConfig.elt &&
        ev.detail.requestConfig.elt.hasAttribute && ev.detail.requestConfig.elt.hasAttribute("data-catalogo-info")) {
      abrir("sugestoes");
    }
  });

  // A quantity in a panel comes selected: typing replaces the suggested 1.
  document.addEventListener("focusin", function (ev) {
    var t = ev.target;
    if (t && t.matches && t.matches("input[data-catalogo-qtd], input[data-carrinho-qtd]")) { t.select(); }
  });

  // --- keyboard ----------------------------------------------------------------------------------
  function linhasDoPainel(el) {
    var tabela = el.closest("table");
    return tabela ? Array.prototype.slice.call(tabela.querySelectorAll("input[data-catalogo-qtd]:not([disabled])")) : [];
  }

  // Capture phase: runs before pedido.js, so Esc/Enter/Ctrl+Enter inside the catalogue are ours.
  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    var r = raiz();
    if (!r || !el || !el.closest) { return; }
    var dialogo = $("atalhos");
    if (dialogo && dialogo.open) { return; }

    if (r.contains(el)) {
      if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); fechar(); return; }
      if (el.id === "colar-texto" && ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault(); ev.stopPropagation(); el.form.requestSubmit(); return;
      }
      if (el.hasAttribute("data-catalogo-qtd")) {
        if (ev.key === "Enter") {
          ev.preventDefault(); ev.stopPropagation();
          var botao = el.closest("tr").querySelector("[data-catalogo-incluir]");
          if (botao && !botao.disabled) { botao.click(); }
          return;
        }
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
          var lista = linhasDoPainel(el);
          var i = lista.indexOf(el) + (ev.key === "ArrowDown" ? 1 : -1);
          if (i >= 0 && i < lista.length) { ev.preventDefault(); focar(lista[i]); }
          return;
        }
      }
      return;
    }

    // A focused search result: * stars it, + puts it in (or takes it out of) the cart.
    var opcao = el.closest("#produto-resultados li");
    if (opcao && (ev.key === "*" || ev.key === "+")) {
      ev.preventDefault();
      if (ev.key === "*") {
        var estrela = opcao.querySelector("[data-favorito]");
        if (estrela) { estrela.click(); }
      } else {
        var caixa = opcao.querySelector("input[data-carrinho]");
        if (caixa && !caixa.disabled) { caixa.checked = !caixa.checked; alternarCarrinho(caixa, caixa.checked); }
      }
      return;
    }

    if (emCampo(document.activeElement) || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var nome = PAINEIS[(ev.key || "").toLowerCase()];
    if (nome && $("catalogo-painel-" + nome)) {
      ev.preventDefault();
      var aba = $("tab-itens");
      if (aba && aba.getAttribute("aria-selected") !== "true") { aba.click(); }
      abrir(nome);
    }
  }, true);

  function iniciar() {
    var r = raiz();
    if (!r) { return; }
    desenharCarrinho();
    var aberto = r.getAttribute("data-aberto");
    if (aberto) { abrir(aberto, { semFoco: true }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", iniciar); } else { iniciar(); }
})();
