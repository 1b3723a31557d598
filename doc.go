/*
Package cryptopay is a client for two crypto payment APIs: the Apirone
account API (v2) and the AlphaPo processing API (v2, also served by
CoinsPaid). It covers every endpoint of both, receives and verifies the
callbacks both providers send, keeps money exact (no float64 anywhere),
and uses the standard library only.

Package [github.com/cryptopay-go/cryptopay/cryptopaytest] is an in-memory
Apirone + AlphaPo server for your own tests.
Package [github.com/cryptopay-go/cryptopay/checkout] shows a payment to
the payer: payment URIs for QR codes, block-explorer links and network
labels, from either provider's currency codes.

# Clients

[NewClient] returns a [Client] for Apirone. Calls about no particular
account hang off it ([Client.CreateAccount], [Client.Invoice],
[Client.ServiceInfo], [Client.NetworkFees], [Client.Ticker]); everything
else goes through an [Account] handle from [Client.Account], which holds one
account's id and, for the calls that need it, its transfer key:

	c, err := cryptopay.NewClient()
	if err != nil {
		return err
	}
	acct := c.Account("apr-...", transferKey) // transferKey "" for public calls only
	bal, err := acct.Balance(ctx, &cryptopay.BalanceParams{Currency: "btc"})

[NewAlphaPoClient] returns an [AlphaPoClient] for AlphaPo from a merchant
account's API key and secret. It talks to [AlphaPoBaseURL]; pass
[WithBaseURL] with [CoinsPaidBaseURL], [CoinsPaidSandboxBaseURL] or any other
URL for the other hosts of the same API.

Every method takes a [context.Context] first; a nil params pointer means
"no parameters" where the endpoint has no required one. Each endpoint
method's documentation names its route (e.g.
POST /v2/accounts/{account}/transfer, relative to the base URL, as errors
and log lines spell it) and links the provider's page for it. Lists come a
page at a time ([Account.History], [Account.Addresses],
[Account.Invoices]) or as iterators that fetch the pages as the loop asks
([Account.AllHistory], [Account.AllAddresses], [Account.AllInvoices]).

Clients and accounts are safe for concurrent use; make one client and share
it.

# Wallets

Apirone's wallets are the single-currency forerunners of its accounts, with
ids like "btc-<32 hex digits>". [Client.CreateWallet] makes one and
[Client.Wallet] returns a [Wallet] handle, which has the calls of the
wallet API under the names, parameters and results of [Account]'s (the
calls both have share their code, on /v2/wallets/{wallet}/... for a
wallet); [Wallet.Info] and [Wallet.Balance] answer in the wallet's own
shapes. A wallet's calls need no currency: a Currency field may stay
empty, and a currency given anyway must be the wallet's. Answers and
callbacks name the wallet in their Wallet field instead of Account.
Authentication, money-moving and secrets work as for an account.

# Authentication

Apirone: most calls are public and need only the account id. Transfers,
settings, private invoice calls and the callback endpoints need the
account's transfer key, given to [Client.Account] (it is returned once, by
[Client.CreateAccount]: store it in your secret store). POST and PATCH
calls send it in the JSON body; GET calls send it in the query, as the API
requires. A protected call on an Account with no key and no tokens fails
with [ErrInvalidParams] before anything is sent.

Instead of the key, [Account.Login] gets an access token: protected calls
then send "Authorization: Bearer <token>" and no key, and the token is
renewed by itself shortly before it expires (and once after a 401), with
concurrent calls sharing one renewal; [Account.Refresh] renews it at
once. [Account.Tokens] and [Account.UseTokens] keep a session across
restarts; [Account.Logout] ends it.

AlphaPo: every call but [AlphaPoClient.Ping] sends X-Processing-Key and
X-Processing-Signature, the lowercase hex HMAC-SHA512 of the exact body
bytes keyed with the API secret. The body is marshalled once, signed, and
those bytes are sent; a call without parameters sends and signs "{}".
AlphaPo amounts are sent as JSON strings and read from strings or numbers. [NewSigner] gives the same [Signer] for your own use.

# Moving money and ErrOutcomeUnknown

Four calls move money: [Account.Transfer], [AlphaPoClient.WithdrawCrypto],
[AlphaPoClient.ExchangeFixed] and [AlphaPoClient.ExchangeNow]. The SDK never
sends one twice: it is retried only when the connection could not even be
opened, and net/http is kept from resending it too.

When one fails after the request may have reached the provider (a
timeout, a cancelled context, a broken connection or reset stream, a 3xx
or 5xx answer, or a 2xx answer that cannot be read), the error matches
[ErrOutcomeUnknown]: the operation may or may not have happened. The error
still wraps its cause, so errors.Is(err, [ErrServer]) and errors.As with an
[*APIError] work too. Then:

  - Do not send it again blindly: that may pay twice.
  - Look it up. Apirone: [github.com/cryptopay-go/cryptopay/settle.FindTransfer]
    finds the payment a transfer made after a mark of the history read
    before sending (settle.ReadMark), by Apirone's own clock; its
    documentation says what "not found" means and when a resend is safe.
    AlphaPo: [AlphaPoClient.TransactionInfo] by the ForeignID you sent.
  - Send it again only once the provider shows no such operation (for
    AlphaPo with the same ForeignID, which it refuses a second time). While
    that is unclear, look again later.

A 4xx answer (429 included) and a failure to connect are not "unknown":
the provider did not carry the operation out. Store the ForeignID of an
AlphaPo operation before you send it. The price of never resending: over
HTTP/1.1, a money call sent on a kept-alive connection that the server had
already closed is reported as ErrOutcomeUnknown too, though net/http could
safely have resent it.

# Errors

An answer with a status of 300 or more is an [*APIError] with the status,
the provider's message, AlphaPo's code and per-field errors, and the first
4 KiB of the body; so is a 2xx answer whose JSON carries an error instead of
a result. It matches [ErrBadRequest] (400, 422), [ErrUnauthorized] (401,
403), [ErrNotFound] (404), [ErrRateLimited] (429) or [ErrServer] (5xx) with
errors.Is. Arguments that fail a check before anything is sent give a
[*ParamError] matching [ErrInvalidParams], naming the field: account ids
must look like "apr-..."; path arguments that would change the URL ("../x",
"a/b", "?q", "#f", empty) are refused; required fields must be set; amounts
must be positive and percentages 1 to 100; a callback URL must be an
absolute http(s) URL of under 1024 characters; Limit is 0 to 1000; filter
values and listed addresses must not contain a comma. Error texts hold the
method, the path without query, the status and the message: never a key,
token, signature or body.

# Retries, timeouts and the HTTP client

By default a call is tried up to 3 times ([RetryPolicy]; change it with
[WithRetry], turn it off with RetryPolicy{MaxAttempts: 1}). GET, HEAD and
OPTIONS calls are retried after a connection error or timeout and after
HTTP 429, 500, 502, 503 and 504, with exponential backoff and jitter,
honouring Retry-After. POST and PATCH calls are retried only when the
request provably never left (a dial error before any connection was
handed out); after that they are never resent, whatever the answer.

Without [WithHTTPClient], every client shares one [net/http.Client] that
gives each try 30 s, dials in at most 10 s, keeps up to 64 idle
connections per host and uses the proxy from the environment. It is not
[net/http.DefaultClient] and does not use [net/http.DefaultTransport].
It follows no redirect.

With WithHTTPClient(hc), hc is never modified. Each try goes through a
shallow copy of hc, taken at that try, with the SDK's own CheckRedirect:
hc's Timeout (per try), Transport and Jar apply, and a change made to hc
later (such as a mock activated on it) is used. No call follows a
redirect, whatever hc's policy: a 3xx answer is an [*APIError]
([ErrOutcomeUnknown] for a money call), so a transfer, a transfer key, a
token or a signature never goes to a URL other than the one the SDK built,
and a POST is never resent by a redirect.

Every call honours its context's deadline and cancellation; the 30 s is per
try, so give the context a deadline to bound a whole call with its retries.
No try starts once the context is done, and a wait between tries that would
end after the deadline is not started. A successful answer may hold at most
10 MiB.

[WithLogger] logs one debug line per try (method, path, status, attempt,
duration, error), never headers, bodies or the query.

[WithObserver] hands a [CallInfo] to your function after every try and once
per call: the route template (never the filled path or query), status,
attempt, duration, error class and whether money may have moved. Feed traces
and metrics from it rather than by wrapping the transport, whose URLs carry
Apirone's transfer key in the query of GET calls.

# Receiving callbacks

Both providers report payments by calling a URL of yours. The handlers
parse those calls, check that they are genuine before your function runs,
and answer the way each provider expects.

Apirone signs nothing, so a callback proves itself only by a secret you put
in it. Give the secret in the callback's data when you create the address,
and check it with [WithCallbackSecret]:

	addr, err := acct.GenerateAddress(ctx, &cryptopay.GenerateAddressParams{
		Currency: "btc",
		Callback: &cryptopay.Callback{
			URL:  "https://shop.example.com/apirone/payment",
			Data: map[string]string{"order": "1042", "secret": callbackSecret},
		},
	})
	...
	http.Handle("/apirone/payment", cryptopay.PaymentCallbackHandler(
		func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
			if cb.Confirmations < 1 {
				return cryptopay.ErrNotYet // 500: Apirone calls again on the next block
			}
			return creditOnce(ctx, cb.DedupeKey(), cb.Data["order"], cb.Value) // cb.Value in satoshi
		},
		cryptopay.WithCallbackSecret("secret", callbackSecret),
	))

[PaymentCallbackHandler] answers 200 "*ok*" when your function returns nil,
which ends the callbacks for that payment, and 500 when it returns an error,
so Apirone calls again on the next block. Return [ErrNotYet] (or an error
that wraps it) until the payment has the confirmations you require: it is
answered 500 too, but it is no failure ([WithCallbackLogger] logs it at
debug level, [WithCallbackErrorHandler] does not hear of it,
[WithCallbackObserver] reports [CallbackDeferred]); every handler of both
providers treats it so. A missing or wrong secret gets 403 and never
reaches your function; an empty configured secret rejects everything. The
answers do not say why: [WithCallbackErrorHandler] and [WithCallbackLogger]
tell you, with a reason errors.Is sorts. A handler of your own checks the
secret with [VerifyCallbackSecret], by the same rules. The options are
typed per handler ([CallbackOption] for Apirone's, [AlphaPoCallbackOption]
for AlphaPo's, [CallbackReportOption] for both): an option a handler does
not honour does not compile.
Invoice callbacks ([InvoiceCallbackHandler]) carry the secret in the
callback URL's query and no amounts: fetch the invoice with [Account.Invoice]
and act on what it says.

AlphaPo signs its callbacks like requests. [NewAlphaPoCallbackVerifier]
takes the same key and secret as the client; its
[AlphaPoCallbackVerifier.Handler] checks the signature over the raw body
in constant time before decoding, and answers 200 when your function
returns nil and 500 (AlphaPo retries) when it returns an error.

Both providers deliver the same callback again when an answer is lost.
Every callback has a DedupeKey ([PaymentCallback.DedupeKey],
[InvoiceCallback.DedupeKey], [AlphaPoTransaction.DedupeKey]): record it in
the same database transaction as the credit, under a unique index, and
treat "already recorded" as success.

Callbacks stop: Apirone after 255 confirmations, AlphaPo after about a
day of retries. To catch up after downtime, run settle.Replay and
settle.ReplayInvoices from a cron job: they walk the account's history
and invoices from a cursor you keep between runs, and hand each event to
the function your handler calls, with the same DedupeKey, so one
idempotent function serves both paths; it returns an error matching
[ErrNotYet] to be called again later. AlphaPo lists no transactions:
settle.ReplayAlphaPo rechecks those you know by id or foreign_id. The
package [github.com/cryptopay-go/cryptopay/settle] is this settlement
layer (catch-up, lost payouts, payment outcomes, the confirmation policy)
and states the invariants it keeps; its documentation says what the
provider's records can and cannot rebuild of a callback. A replayed
payment carries no confirmation count, only whether the API shows it
confirmed, so settle.ConfirmationPolicy accepts it once it is also old
enough for the count on its network (ReplayAge).
[WithCallbackConfirm] makes an Apirone handler re-read each callback
through the API (two reads per payment callback, one per invoice
callback; it needs the transfer key or a Login), refuse what the API does
not show (a transaction that did not pay that address, another account, a
wallet, data that is not the data the API holds for the address's
callback: a real payment replayed with another order's data is refused,
with or without a secret) and pass on the API's amounts and status.
WithCallbackConfirm(nil) panics rather than take callbacks at their word.

Rotating secrets: Apirone echoes the data an address was made with, so
old addresses keep sending the old secret. Accept both with
WithCallbackSecret("secret", newSecret, oldSecret) (the same list for
[VerifyCallbackSecret]), make new addresses and the account's callback
settings with the new one, and drop the old once no address or invoice
that carries it can still be paid. For AlphaPo, create the new key pair,
[AlphaPoCallbackVerifier.Add] it, move the [AlphaPoClient] to it, and drop
the old pair a day later, when AlphaPo has stopped retrying callbacks
signed with it. One verifier can also hold the pairs of many merchants:
[AlphaPoCallbackKey] tells the handler's function whose callback it is.

# Money

Apirone amounts are [Amount]: an exact integer in the currency's minor
units (satoshi for btc, wei for eth), of any size. AlphaPo amounts are
[Decimal]: exact decimal text in whole coins ("0.00020000" BTC). Both add,
subtract, negate and compare exactly ([Amount.Add], [Decimal.Sub],
[Amount.Cmp], ...), and convert into each other without rounding:
[Amount.Decimal] and [FormatUnits] give whole coins, [Decimal.Units] and
[ParseUnits] minor units, failing rather than rounding a value finer than
one minor unit. A count of decimal places outside 0 to 255 makes the first
two panic and the last two fail with [ErrInvalidParams]. The number of decimal places of an Apirone currency is
[CurrencySpec.Decimals], from [Client.ServiceInfo] (8 for btc, 18 for eth).
Never add an Amount in satoshi to a Decimal in BTC: convert one first.

A transfer destination's amount is a [DestinationAmount]: [Units] (minor
units) or [Percent] of the balance. Apirone times are [Time] (UTC), AlphaPo
times [UnixTime].

# Secrets

Transfer keys, tokens, AlphaPo keys and secrets, callback secrets and
passwords in base URLs never appear in an error text, a log line or any fmt
output of the SDK's types ([Client], [Account], [Tokens], [Signer],
[PaymentCallback] and the others print them as REDACTED), even held by
value in a struct of yours. An error answer that echoes a credential shows
REDACTED in its place.

# Testing with cryptopaytest

[github.com/cryptopay-go/cryptopay/cryptopaytest.NewServer] starts an
in-memory Apirone + AlphaPo server on a loopback port, answering at the real
paths in the real JSON shapes, so the real clients talk to it unchanged:

	srv := cryptopaytest.NewServer()
	defer srv.Close()
	c := srv.Client()         // or cryptopay.NewClient(cryptopay.WithBaseURL(srv.ApironeURL()))
	ap := srv.AlphaPoClient() // with the server's key and secret, srv.AlphaPoCredentials()

Its controls stand in for the customer and the blockchain: Deposit and
AlphaPoDeposit pay an address and deliver its callback to your handler,
Mine adds blocks, FailNext makes the next calls fail (a lost answer to a
transfer that was made, say). Callbacks are delivered before those calls
return, so tests need no sleeps. The examples of this package run on it;
the command cmd/cryptopaytest runs it as a server of its own.

# Testing with httpmock

The SDK sends every request through the [net/http.Client] you pass with
[WithHTTPClient], as it is (see above), so a mock transport such as
github.com/jarcoal/httpmock works: activate it on that client with
httpmock.ActivateNonDefault(hc), not with httpmock.Activate (the SDK's
default client does not use [net/http.DefaultTransport]). Register the full
URL: the base URL and the route, e.g.
"https://apirone.com/api/v2/accounts/apr-.../balance" or
"https://app.alphapo.net/api/v2/addresses/take". Turn retries off with
WithRetry(RetryPolicy{MaxAttempts: 1}): a missing mock on a GET otherwise
costs about a second of real backoff. A money call that meets no mock, or
a mock's error, is [ErrOutcomeUnknown] all the same, whatever the
RetryPolicy: the mock fails it as a transport fails after sending.
[github.com/cryptopay-go/cryptopay/cryptopaytest.Fixture]
returns the providers' reference responses by name, so a mock answers what
the provider answers. See the example of [WithHTTPClient].

# A complete service

The repository's examples/merchant (a module of its own) is a merchant
backend on a database that does each pattern above: credit.go credits a
callback once under its DedupeKey, payouts.go settles a payout whose
answer was lost instead of sending it again, catchup.go replays what the
callbacks missed (package settle) from cursors kept in the database, and
store.go says how many instances share one PostgreSQL.

# Reading the source

An endpoint method only declares its call: route and arguments,
parameters, authorization, where the result is and whether it moves money.
One engine makes every call of both APIs, in four files: request.go holds
that declaration (endpoint, newEndpoint and the path builder) and builds
the [net/http.Request] from it; transport.go sends it (backend.do:
authorization, the tries, each try's context), keeping what changes during
the call in a callState; response.go reads the answer within its size cap
and decodes it (the "data" envelope, an error in a 2xx body); retry.go
decides which failed tries are made again and when. errors.go turns an
error answer into an [*APIError].
*/
package cryptopay
