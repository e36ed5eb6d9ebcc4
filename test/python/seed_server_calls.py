"""The seed's server-side calls made with Debian's python3-stripe, pointed at onfile.

Run by test/python/python-sdk.test.ts with the python3 that can import stripe (Debian's package is importable only
by Debian's interpreter). Each step asserts what the seed promises and prints one JSON line for the
Node test, which checks the same state through the official Node SDK. The browser step in between
(the customer on the hosted authorization page) is done by the Node test.

    seed_server_calls.py setup                     create a customer and a confirmed SetupIntent
    seed_server_calls.py charge CUSTOMER SETI      charge the saved method off-session
    seed_server_calls.py detach PAYMENT_METHOD     detach it (the mandate becomes inactive)
    seed_server_calls.py search EMAIL_PART         customers whose email contains it (Search API)
    seed_server_calls.py account                   the key's account and its balance
"""
import json
import os
import sys

import stripe

stripe.api_key = os.environ["ONFILE_SECRET_KEY"]
stripe.api_base = os.environ["ONFILE_API_BASE"]
stripe.max_network_retries = 0

RETURN_URL = "https://example.com/setup/complete"
# A secret key cannot infer the acceptance from a browser: the server passes what it saw.
MANDATE_DATA = {
    "customer_acceptance": {
        "type": "online",
        "online": {"ip_address": "127.0.0.0", "user_agent": "device"},
    }
}


def emit(result):
    print(json.dumps(result))


def setup():
    # "Create or retrieve a customer" (Customers v1).
    customer = stripe.Customer.create(name="Jenny Rosen", email="jenny.rosen@example.com")
    assert customer.object == "customer" and customer.id.startswith("cus_"), customer
    assert customer.email == "jenny.rosen@example.com"

    # "Create a SetupIntent and save a payment method". python3-stripe sends no Stripe-Version, so
    # the account's default version applies, where payment_method_types is still writable.
    intent = stripe.SetupIntent.create(
        payment_method_types=["amazon_pay"],
        payment_method_data={"type": "amazon_pay"},
        usage="off_session",
        customer=customer.id,
    )
    assert intent.object == "setup_intent", intent
    assert intent.status == "requires_confirmation", intent.status
    assert intent.customer == customer.id
    assert intent.payment_method_types == ["amazon_pay"]
    assert intent.client_secret.startswith(intent.id + "_secret_")

    # Confirmed by the server; the customer is then sent to next_action.redirect_to_url.url.
    intent = stripe.SetupIntent.confirm(intent.id, return_url=RETURN_URL, mandate_data=MANDATE_DATA)
    assert intent.status == "requires_action", intent.status
    assert intent.next_action.type == "redirect_to_url"
    assert intent.next_action.redirect_to_url.return_url == RETURN_URL
    emit({
        "customer": customer.id,
        "setup_intent": intent.id,
        "client_secret": intent.client_secret,
        "redirect_url": intent.next_action.redirect_to_url.url,
    })


def charge(customer, setup_intent):
    intent = stripe.SetupIntent.retrieve(setup_intent)
    assert intent.status == "succeeded", intent.status
    payment_method = intent.payment_method
    assert payment_method.startswith("pm_")

    # "Create a PaymentIntent using a saved payment method" (Customers v1), off-session.
    try:
        payment = stripe.PaymentIntent.create(
            payment_method_types=["amazon_pay"],
            payment_method=payment_method,
            amount=1000,
            currency="usd",
            customer=customer,
            statement_descriptor="test_statement",
            capture_method="automatic",
            confirm=True,
            off_session=True,
        )
    except stripe.error.CardError as e:
        # A decline is a 402 whose error carries the PaymentIntent (https://docs.stripe.com/error-handling).
        failed = e.error.payment_intent
        assert e.http_status == 402, e.http_status
        assert failed.status == "requires_payment_method", failed.status
        assert failed.last_payment_error.code == e.code
        emit({
            "outcome": "declined",
            "payment_method": payment_method,
            "payment_intent": failed.id,
            "status": failed.status,
            "code": e.code,
            "decline_code": e.error.get("decline_code"),
            "message": e.user_message,
        })
        return
    assert payment.status == "succeeded", payment.status
    assert payment.amount_received == 1000
    assert payment.payment_method == payment_method
    assert payment.customer == customer
    emit({
        "outcome": "succeeded",
        "payment_method": payment_method,
        "payment_intent": payment.id,
        "status": payment.status,
        "charge": payment.latest_charge,
    })


def detach(payment_method):
    # "Optional: Detach reusable payment method".
    detached = stripe.PaymentMethod.detach(payment_method)
    assert detached.id == payment_method
    assert detached.customer is None
    listed = stripe.PaymentMethod.list(type="amazon_pay", customer=os.environ["CUSTOMER"]) if os.environ.get("CUSTOMER") else None
    assert listed is None or all(pm.id != payment_method for pm in listed.data)
    emit({"payment_method": detached.id, "customer": detached.customer})


def search(email_part):
    # Look a customer up the way integrations often do, one page at a time and through every page.
    first = stripe.Customer.search(query="email~'%s'" % email_part, limit=1)
    assert first.object == "search_result", first
    walked = [c.id for c in stripe.Customer.search(query="email~'%s'" % email_part, limit=1).auto_paging_iter()]
    emit({"first": [c.id for c in first.data], "has_more": first.has_more, "all": walked})


def account():
    acct = stripe.Account.retrieve()
    balance = stripe.Balance.retrieve()
    assert acct.object == "account" and balance.object == "balance"
    emit({
        "account": acct.id,
        "default_currency": acct.default_currency,
        "pending": [[b.currency, b.amount] for b in balance.pending],
        "available": [[b.currency, b.amount] for b in balance.available],
    })


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"setup": setup, "charge": charge, "detach": detach, "search": search, "account": account}[command](*args)
