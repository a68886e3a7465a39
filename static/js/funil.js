/* Sales funnel board: drag a card onto another column = choose that stage in the card's
   "Mover" form and submit it (htmx posts it and swaps the board). The form stays the
   keyboard-accessible way; dragging is only a shortcut. Also the client lookup of the
   opportunity form (same result list as "novo pedido"). */
(function () {
  "use strict";
  var arrastado = null;

  document.addEventListener("dragstart", function (ev) {
    var cartao = ev.target.closest ? ev.target.closest("[data-arrastar]") : null;
    if (!cartao) { return; }
    arrastado = cartao;
    cartao.classList.add("arrastando");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", cartao.getAttribute("data-arrastar"));
  });
  document.addEventListener("dragend", function () {
    if (arrastado) { arrastado.classList.remove("arrastando"); }
    arrastado = null;
    document.querySelectorAll(".alvo-soltar").forEach(function (c) { c.classList.remove("alvo-soltar"); });
  });
  function coluna(ev) {
    return ev.target.closest ? ev.target.closest(".funil-coluna[data-etapa]") : null;
  }
  document.addEventListener("dragover", function (ev) {
    var col = coluna(ev);
    if (!arrastado || !col || col.contains(arrastado)) { return; }
    ev.preventDefault();
    col.classList.add("alvo-soltar");
  });
  document.addEventListener("dragleave", function (ev) {
    var col = coluna(ev);
    if (col && !col.contains(ev.relatedTarget)) { col.classList.remove("alvo-soltar"); }
  });
  document.addEventListener("drop", function (ev) {
    var col = coluna(ev);
    if (!arrastado || !col || col.contains(arrastado)) { return; }
    ev.preventDefault();
    var form = arrastado.querySelector("details.mover form");
    var select = form ? form.querySelector("[data-etapa-select]") : null;
    if (!select) { return; }
    select.value = col.getAttribute("data-etapa");
    form.requestSubmit();
  });

  // Client lookup of the opportunity form (results from vendas:cliente-buscar).
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("#form-oportunidade [data-escolher-cliente]") : null;
    if (!link) { return; }
    ev.preventDefault();
    var form = document.getElementById("form-oportunidade");
    form.querySelector("input[name=cliente]").value = link.getAttribute("data-escolher-cliente");
    document.getElementById("busca-cliente").value = link.getAttribute("data-rotulo");
    document.getElementById("cliente-escolhido").textContent = "Escolhido: " + link.getAttribute("data-rotulo");
    document.getElementById("cliente-opcoes").innerHTML = "";
    var titulo = form.querySelector("input[name=titulo]");
    if (titulo) { titulo.focus(); }
  });
})();
