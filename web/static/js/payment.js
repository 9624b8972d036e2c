// The payment page: Stripe.js takes the card in the browser (the registry never sees the card
// number), the registry confirms the invoice's PaymentIntent with it, and Stripe.js completes
// 3-D Secure when the card's bank asks for it. The invoice is marked paid by the gateway's
// signed webhook, so the page only says the payment is being processed.
(function () {
  "use strict";

  const form = document.getElementById("betaalformulier");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  const stripe = Stripe(form.dataset.publishableKey);
  const card = stripe.elements().create("card");
  card.mount("#kaart");

  const cardField = document.getElementById("kaart");
  const error = document.getElementById("kaart-fout");
  const status = document.getElementById("betaalstatus");
  const button = form.querySelector("button[type=submit]");

  // `detail` is the server's message, already in the page's language; Stripe.js's own
  // messages (card errors) are English and marked so.
  function showError(text, detail, detailLang) {
    error.textContent = text;
    if (detail) {
      const span = document.createElement("span");
      if (detailLang) {
        span.lang = detailLang;
      }
      span.textContent = " " + detail;
      error.appendChild(span);
    }
    error.hidden = false;
    cardField.setAttribute("aria-invalid", "true");
    status.textContent = "";
  }

  function clearError() {
    error.hidden = true;
    error.textContent = "";
    cardField.removeAttribute("aria-invalid");
  }

  async function pay() {
    const tokenised = await stripe.createToken(card);
    if (tokenised.error) {
      showError(form.dataset.cardInvalid, tokenised.error.message, "en");
      return;
    }
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.dataset.csrfToken,
      },
      body: JSON.stringify({ card: tokenised.token.card.id }),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const first = (answer.errors || [])[0];
      const declined = first && first.code === "card_declined";
      showError(declined ? form.dataset.declined : form.dataset.failed, first && first.message);
      return;
    }
    if (answer.status === "requires_action") {
      const confirmed = await stripe.confirmCardPayment(answer.clientSecret);
      if (confirmed.error) {
        showError(form.dataset.declined, confirmed.error.message, "en");
        return;
      }
    }
    form.hidden = true;
    const done = document.getElementById("betaald");
    done.hidden = false;
    done.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    button.disabled = true;
    status.textContent = form.dataset.busy;
    try {
      await pay();
    } catch (failure) {
      showError(form.dataset.failed);
    } finally {
      button.disabled = false;
    }
  });
})();
