// Rocket Rides' browser code: plain JavaScript, no build step. It uses only the Stripe.js API
// (served by onfile at /v3/) and this app's own endpoints.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('rr-config').textContent);
  var stripe = Stripe(config.publishableKey);
  var message = document.getElementById('message');

  function show(text, isError) {
    if (!message) return;
    message.textContent = text;
    message.className = isError ? 'error' : 'notice';
  }

  // Online acceptance inferred from this browser (IP address and user agent), as the seed shows.
  var MANDATE_DATA = { customer_acceptance: { type: 'online', online: { infer_from_client: true } } };

  function intentId(clientSecret) {
    return clientSecret.split('_secret_')[0];
  }

  // Keep a record of the rider's agreement before confirming (the seed's "Getting permission").
  function recordAcceptance(clientSecret) {
    return fetch('/acceptance', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: intentId(clientSecret) }).toString(),
    }).then(function (res) {
      if (!res.ok) throw new Error('Could not record your authorization (' + res.status + ').');
    });
  }

  function confirmForm(getClientSecret, confirm) {
    var form = document.getElementById('confirm-form');
    var button = document.getElementById('confirm');
    getClientSecret().then(
      function (clientSecret) {
        button.disabled = false;
        form.addEventListener('submit', function (event) {
          event.preventDefault();
          if (!form.reportValidity()) return;
          button.disabled = true;
          show('Redirecting to Amazon Pay…', false);
          recordAcceptance(clientSecret)
            .then(function () { return confirm(clientSecret); })
            .then(function (result) {
              // On success the page has already left for Amazon Pay; only errors come back here.
              if (result && result.error) {
                show(result.error.message || 'Amazon Pay could not be started.', true);
                button.disabled = false;
              }
            })
            .catch(function (err) {
              show(err.message, true);
              button.disabled = false;
            });
        });
      },
      function (err) { show(err.message, true); }
    );
  }

  if (config.flow === 'setup') {
    // Single-page app: fetch the client secret from the server (the seed's `/secret`);
    // server-rendered checkout: it is already in the page.
    var secret = config.clientSecret
      ? Promise.resolve(config.clientSecret)
      : fetch('/secret').then(function (res) {
          if (!res.ok) throw new Error('Could not start: ' + res.status);
          return res.json();
        }).then(function (body) { return body.client_secret; });
    confirmForm(function () { return secret; }, function (clientSecret) {
      return stripe.confirmAmazonPaySetup(clientSecret, { return_url: config.returnUrl, mandate_data: MANDATE_DATA });
    });
  } else if (config.flow === 'payment') {
    confirmForm(function () { return Promise.resolve(config.clientSecret); }, function (clientSecret) {
      return stripe.confirmAmazonPayPayment(clientSecret, { return_url: config.returnUrl, mandate_data: MANDATE_DATA });
    });
  } else if (config.flow === 'return') {
    // The landing page does not trust the query string alone: ask the API with the client secret.
    var out = document.getElementById('browser-status');
    var cs = config.clientSecret;
    var lookup = cs.indexOf('seti_') === 0
      ? stripe.retrieveSetupIntent(cs).then(function (r) { return r.setupIntent || r; })
      : stripe.retrievePaymentIntent(cs).then(function (r) { return r.paymentIntent || r; });
    lookup.then(function (intent) {
      out.textContent = intent.error ? 'error: ' + intent.error.message : intent.status;
      out.setAttribute('data-status', intent.error ? 'error' : intent.status);
    });
  }
})();
