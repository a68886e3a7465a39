/* Contract screens: client and product lookups (htmx fills the option list; choosing an
   option fills the hidden id of the same form), and "mark all" in the date scheduling. */
(function () {
  "use strict";

  function escolher(link) {
    var caixa = link.closest("[data-lookup]");
    if (!caixa) { return false; }
    var form = caixa.closest("form");
    var tipo = caixa.getAttribute("data-lookup");
    var id = link.getAttribute(tipo === "produto" ? "data-escolher-produto" : "data-escolher-cliente");
    if (!id) { return false; }
    form.querySelector("input[name=" + tipo + "]").value = id;
    var busca = caixa.querySelector("input[type=search]");
    if (busca) { busca.value = link.getAttribute("data-rotulo"); }
    var escolhido = caixa.querySelector("[data-escolhido]");
    if (escolhido) { escolhido.textContent = "Escolhido: " + link.getAttribute("data-rotulo"); }
    var preco = form.querySelector("input[name=preco_unitario]");
    if (tipo === "produto" && preco && !preco.value && link.hasAttribute("data-preco")) {
      preco.value = link.getAttribute("data-preco");
    }
    var lista = caixa.querySelector(".lista-lookup");
    if (lista) { lista.innerHTML = ""; }
    var proximo = form.querySelector("[data-depois-da-busca]");
    if (proximo) { proximo.focus(); }
    return true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("[data-escolher-produto], [data-escolher-cliente]") : null;
    if (link && escolher(link)) { ev.preventDefault(); }
    var todas = ev.target.closest ? ev.target.closest("[data-marcar-todas]") : null;
    if (todas) {
      var caixas = document.querySelectorAll("input[name=programacoes]:not(:disabled)");
      var marcar = Array.prototype.some.call(caixas, function (c) { return !c.checked; });
      Array.prototype.forEach.call(caixas, function (c) { c.checked = marcar; });
    }
  });

  // Keyboard: ↓ from the search goes to the first option; Enter on an option chooses it.
  document.addEventListener("keydown", function (ev) {
    var alvo = ev.target;
    var caixa = alvo.closest ? alvo.closest("[data-lookup]") : null;
    if (!caixa) { return; }
    var opcoes = caixa.querySelectorAll(".lista-lookup a");
    if (ev.key === "ArrowDown" && alvo.type === "search" && opcoes.length) {
      ev.preventDefault(); opcoes[0].focus();
    } else if (ev.key === "Enter" && alvo.type === "search" && opcoes.length === 1) {
      ev.preventDefault(); escolher(opcoes[0]);
    } else if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && alvo.matches(".lista-lookup a")) {
      ev.preventDefault();
      var lista = Array.prototype.slice.call(opcoes);
      var pos = lista.indexOf(alvo) + (ev.key === "ArrowDown" ? 1 : -1);
      if (pos >= 0 && pos < lista.length) { lista[pos].focus(); } else if (pos < 0) { caixa.querySelector("input[type=search]").focus(); }
    } else if (ev.key === "Enter" && alvo.matches(".lista-lookup a")) {
      ev.preventDefault(); escolher(alvo);
    }
  });
})();
