package settle_test

// The settlement layer's invariants (see its package doc), proven by a
// seeded simulation on cryptopaytest: a merchant with orders, one payment
// function behind the live callback handler and the catch-up job, and
// payouts whose answers get lost, under every fault the simulation can
// throw at them. Each seed is one deterministic run:
//
//	go test ./settle/ -run TestSimulation                   # a few seeds
//	go test ./settle/ -run TestSimulation -sim.seeds=500    # many
//	go test ./settle/ -run TestSimulation -sim.seed=42 -v   # one, with its steps

import (
	"context"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cryptopay-go/cryptopay"
	"github.com/cryptopay-go/cryptopay/cryptopaytest"
	"github.com/cryptopay-go/cryptopay/settle"
	"github.com/stretchr/testify/require"
)

var (
	simSeeds = flag.Int("sim.seeds", 0, "how many seeds the simulation runs (0: 3 with -short, 12 without)")
	simSeed  = flag.Uint64("sim.seed", 0, "run only this seed")
	simSteps = flag.Int("sim.steps", 60, "random steps per seed")
)

func TestSimulation(t *testing.T) {
	seeds := []uint64{*simSeed}
	if *simSeed == 0 {
		n := *simSeeds
		if n == 0 {
			n = 12
			if testing.Short() {
				n = 3
			}
		}
		seeds = seeds[:0]
		for i := range n {
			seeds = append(seeds, uint64(i+1))
		}
	}
	for _, seed := range seeds {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			m := newSim(t, seed)
			defer m.srv.Close()
			for range *simSteps {
				m.step()
			}
			m.drain()
			for _, problem := range m.check() {
				t.Errorf("seed %d: %s", seed, problem)
			}
			t.Logf("seed %d: %s", seed, m.summary())
		})
	}
}

// simSecret is the shared secret in every order's callback data.
const simSecret = "sim-callback-secret"

// simPolicy is the merchant's confirmation policy: the default (3) for
// BTC, 1 for LTC.
var simPolicy = settle.ConfirmationPolicy{PerCurrency: map[string]int64{"ltc": 1}}

// simOrder is one order of the shop, paid into its own address.
type simOrder struct {
	id, currency, address string
}

// simDeposit is one payment made in the simulation: the truth the shop's
// books are checked against.
type simDeposit struct {
	key, order, currency string
	amount               cryptopay.Amount
	confs, height        int // confirmations when made, at this height
}

// simChain is the simulation's record of the fake's chain: every deposit
// and how many blocks were mined since.
type simChain struct {
	height   int
	deposits []*simDeposit
	byKey    map[string]*simDeposit
}

// confirmations returns how many confirmations the payment key has now,
// or -1 for a payment that was never made.
func (c *simChain) confirmations(key string) int {
	d := c.byKey[key]
	if d == nil {
		return -1
	}
	return d.confs + c.height - d.height
}

// sim is one seeded run.
type sim struct {
	t       *testing.T
	ctx     context.Context
	rng     *simRand
	srv     *cryptopaytest.Server
	net     *simNetwork
	set     *simLayer
	wallet  *cryptopay.Wallet // an LTC wallet, paying out too
	shop    *simShop
	chain   *simChain
	orders  []simOrder
	steps   []string // what happened, for -v
	funding *big.Rat // the AlphaPo LTC balance before any withdrawal
}

func newSim(t *testing.T, seed uint64) *sim {
	ctx := context.Background()
	rng := newSimRand(seed)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	net := &simNetwork{rng: rng, faulty: true}
	srv := cryptopaytest.NewServer(
		cryptopaytest.WithClock(func() time.Time { return start }),
		cryptopaytest.WithCallbackClient(&http.Client{Transport: net}),
	)
	fast := cryptopay.WithRetry(cryptopay.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	c := srv.Client(fast)
	created, err := c.CreateAccount(ctx)
	require.NoError(t, err)
	ch := &simChain{byKey: map[string]*simDeposit{}}
	policy := simPolicy
	policy.Now = srv.Now // a replayed payment's age by the fake's clock
	set := &simLayer{
		acct:   c.Account(created.Account, created.TransferKey),
		ap:     srv.AlphaPoClient(fast),
		policy: policy,
		secret: simSecret,
	}
	sh := &simShop{set: set, rng: rng, chain: ch, credits: map[string]*simCredit{}, failPct: 20}
	net.handler = set.handler(sh.pay)
	w, err := c.CreateWallet(ctx, &cryptopay.CreateWalletParams{Currency: "ltc", ProcessingFeePolicy: cryptopay.ProcessingFeeFixed})
	require.NoError(t, err)
	m := &sim{t: t, ctx: ctx, rng: rng, srv: srv, net: net, set: set, shop: sh, chain: ch, wallet: c.Wallet(w.Wallet, w.TransferKey)}
	m.fund()
	return m
}

// fund gives the Apirone account confirmed BTC and the wallet confirmed
// LTC, in addresses without a callback (not orders: no callback, no
// credit), and the AlphaPo account confirmed LTC, for the payouts.
func (m *sim) fund() {
	for i := range 8 {
		var addr *cryptopay.Address
		var err error
		if i%2 == 0 {
			addr, err = m.set.acct.GenerateAddress(m.ctx, &cryptopay.GenerateAddressParams{Currency: "btc"})
		} else {
			addr, err = m.wallet.GenerateAddress(m.ctx, nil)
		}
		require.NoError(m.t, err)
		_, err = m.srv.Deposit(m.ctx, cryptopaytest.DepositParams{Address: addr.Address, Amount: cryptopay.NewAmount(50_000_000), Confirmations: 1})
		require.NoError(m.t, err)
	}
	taken, err := m.set.ap.TakeAddress(m.ctx, &cryptopay.TakeAddressParams{Currency: "LTC", ForeignID: "funding", EndUserReference: "shop"})
	require.NoError(m.t, err)
	_, err = m.srv.AlphaPoDeposit(m.ctx, cryptopaytest.AlphaPoDepositParams{
		Address: taken.Address, Amount: cryptopay.MustDecimal("1000"), CallbackURL: simAlphaPoURL,
	})
	require.NoError(m.t, err)
	m.mine(1)
	m.funding = m.alphaPoBalance() // less the fake's deposit fee
}

func (m *sim) log(format string, args ...any) {
	m.steps = append(m.steps, fmt.Sprintf(format, args...))
	if testing.Verbose() && *simSeed != 0 {
		m.t.Logf(format, args...)
	}
}

// step does one thing at random, then moves the clock on.
func (m *sim) step() {
	actions := []struct {
		weight int
		do     func()
	}{
		{8, m.newOrder},
		{20, m.deposit},
		{18, func() { m.mine(1 + m.rng.intn(3)) }},
		{2, m.outage},
		{6, m.net.release},
		{10, func() { m.replay(true) }},
		{5, func() { m.newPayout(true) }},
		{5, func() { m.newPayout(false) }},
		{6, func() { m.sendPlanned(true) }},
		{8, func() { m.settleUnknown(true) }},
		{4, m.toggleFailures},
		{3, m.toggleNetwork},
	}
	weights := make([]int, len(actions))
	for i, a := range actions {
		weights[i] = a.weight
	}
	actions[m.rng.pick(weights...)].do()
	_, err := m.srv.Advance(m.ctx, 7*time.Second)
	require.NoError(m.t, err)
}

func (m *sim) newOrder() {
	o := simOrder{id: strconv.Itoa(len(m.orders) + 1), currency: []string{"btc", "ltc"}[m.rng.intn(2)]}
	cb := &cryptopay.Callback{URL: simApironeURL, Data: map[string]string{"order": o.id, "secret": simSecret}}
	if m.rng.chance(30) { // a GET callback, the order in its URL's query
		cb.Method = http.MethodGet
		cb.URL = simApironeURL + "?order=" + o.id
		delete(cb.Data, "order")
	}
	addr, err := m.set.acct.GenerateAddress(m.ctx, &cryptopay.GenerateAddressParams{Currency: o.currency, Callback: cb})
	require.NoError(m.t, err)
	o.address = addr.Address
	m.orders = append(m.orders, o)
	m.log("order %s: %s %s, callback %s", o.id, o.currency, o.address, cb.Method)
}

// deposit pays a random order, in the mempool or already mined.
func (m *sim) deposit() {
	if len(m.orders) == 0 {
		m.newOrder()
	}
	o := m.orders[m.rng.intn(len(m.orders))]
	tx := fmt.Sprintf("%016x%016x", m.rng.r.Uint64(), m.rng.r.Uint64())
	d := &simDeposit{
		key: simPaymentKey(o.currency, o.address, tx), order: o.id, currency: o.currency,
		amount: cryptopay.NewAmount(int64(10_000 + m.rng.intn(1_000_000))),
		confs:  []int{0, 1, 2, 5}[m.rng.pick(60, 20, 10, 10)], height: m.chain.height,
	}
	m.chain.deposits = append(m.chain.deposits, d)
	m.chain.byKey[d.key] = d
	_, err := m.srv.Deposit(m.ctx, cryptopaytest.DepositParams{Address: o.address, Amount: d.amount, Confirmations: d.confs, TxID: tx})
	require.NoError(m.t, err)
	m.log("deposit %s into order %s: %s, %d confirmations", tx[:8], o.id, d.amount, d.confs)
}

// mine adds n blocks, one at a time, so that the chain's record is right
// while each block's callbacks are delivered. Each block comes 1 to
// simMaxBlockGap after the one before, on the fake's clock.
func (m *sim) mine(n int) {
	for range n {
		_, err := m.srv.Advance(m.ctx, time.Duration(1+m.rng.intn(int(simMaxBlockGap/time.Minute)))*time.Minute)
		require.NoError(m.t, err)
		m.chain.height++
		_, err = m.srv.Mine(m.ctx, 1)
		require.NoError(m.t, err)
	}
}

// simMaxBlockGap is the longest time between two blocks: three times
// Bitcoin's 10 minutes, as far as settle's safety factor for a replayed
// payment's age reaches, so that a replayed BTC payment old enough for
// the policy always has its confirmations. (Real blocks can come later
// still; the factor makes that rare, not impossible: see
// settle.ConfirmationPolicy.ReplayAge.)
const simMaxBlockGap = 30 * time.Minute

// outage takes the shop's endpoint away for longer than Apirone keeps
// calling (255 confirmations): every callback due then is missed for
// good, and only a replay can deliver it.
func (m *sim) outage() {
	faulty := m.net.faulty
	m.net.faulty, m.net.down = true, true
	m.mine(256)
	m.net.faulty, m.net.down = faulty, false
	m.log("outage: 256 blocks")
}

func (m *sim) toggleFailures() {
	m.shop.failPct = []int{0, 25}[m.rng.intn(2)]
	m.log("the payment function fails %d%% of calls", m.shop.failPct)
}

func (m *sim) toggleNetwork() {
	m.net.faulty = !m.net.faulty
	m.log("callbacks faulty: %t", m.net.faulty)
}

// replay runs the catch-up job. With faults it may fail on an API error,
// or crash after the function ran and before the cursor was saved: at
// once, or in the middle of the run.
func (m *sim) replay(faults bool) {
	ctx, cancel := context.WithCancel(m.ctx)
	defer cancel()
	fn, crash := m.shop.pay, 0
	if faults {
		crash = m.rng.pick(60, 20, 20)
		if m.rng.chance(15) {
			m.srv.FailNext("GET /v2/accounts/{account}/history", 2, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
		}
	}
	if crash == 2 {
		left := 1 + m.rng.intn(3)
		fn = func(ctx context.Context, cb *cryptopay.PaymentCallback) error {
			err := m.shop.pay(ctx, cb)
			if left--; left == 0 {
				cancel() // the process dies with this call done
			}
			return err
		}
	}
	calls := m.shop.calls
	next, err := m.set.replay(ctx, m.shop.cursor, fn)
	if crash == 0 {
		m.shop.cursor = next
	}
	m.log("replay (crash %d): %d calls, cursor %q, err %v", crash, m.shop.calls-calls, m.shop.cursor, err)
}

// simFaults are what a transfer's or withdrawal's call may meet: the
// answer lost after the effect, or the call lost before it.
var simFaults = []cryptopaytest.Failure{
	{Drop: true, AfterEffect: true},
	{Drop: true},
	{Status: http.StatusServiceUnavailable, AfterEffect: true},
	{Status: http.StatusBadGateway},
}

// newPayout plans a payout, Apirone or AlphaPo, to its own destination,
// and sends it.
func (m *sim) newPayout(apirone bool) {
	p := &simPayout{id: len(m.shop.payouts) + 1}
	if apirone {
		p.from, p.transfer = m.set.acct, &cryptopay.TransferParams{Currency: "btc", Destinations: []cryptopay.Destination{{
			Address: fmt.Sprintf("payee%04d.sim", p.id), Amount: cryptopay.Units(int64(20_000 + p.id)),
		}}}
		if m.rng.chance(40) { // from the LTC wallet: a wallet's params name no currency
			p.from, p.transfer.Currency = m.wallet, ""
		}
	} else {
		p.withdraw = &cryptopay.AlphaPoWithdrawParams{
			ForeignID: fmt.Sprintf("payout-%d", p.id), EndUserReference: "user-" + strconv.Itoa(p.id), Currency: "LTC",
			Amount: cryptopay.MustDecimal(fmt.Sprintf("1.%02d", p.id%100)), Address: simLTCAddress(p.id),
		}
	}
	m.shop.payouts = append(m.shop.payouts, p)
	m.log("planned %s", p)
	m.sendOne(p, true)
}

// simLTCAddress is a well-formed LTC address of its own for payout id.
func simLTCAddress(id int) string {
	const alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	var b strings.Builder
	b.WriteString("ltc1q")
	for n := id; b.Len() < 43; n = n/len(alphabet) + 7*id + b.Len() {
		b.WriteByte(alphabet[n%len(alphabet)])
	}
	return b.String()
}

// sendOne sends p, after a fault set up for its call when faults allow.
func (m *sim) sendOne(p *simPayout, faults bool) {
	switch {
	case !faults:
	case p.transfer != nil && m.rng.chance(10): // the mark cannot be read: nothing is sent
		m.srv.FailNext("GET "+p.route("history", ""), 2, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
		p.note("the mark's read fails")
	case m.rng.chance(60):
		f := simFaults[m.rng.intn(len(simFaults))]
		m.srv.FailNext("POST "+p.route("transfer", "/v2/withdrawal/crypto"), 1, f)
		p.note("fault %+v", f)
	}
	m.shop.send(m.ctx, p)
	m.log("%s: %s", p, p.trace[len(p.trace)-1])
}

// sendPlanned sends again every payout that is planned.
func (m *sim) sendPlanned(faults bool) {
	for _, p := range m.shop.payouts {
		if p.state == payoutPlanned {
			m.sendOne(p, faults)
		}
	}
}

// settleUnknown looks up every payout whose outcome is unknown; one found
// not sent is planned again, or given up.
func (m *sim) settleUnknown(faults bool) {
	for _, p := range m.shop.payouts {
		if p.state != payoutUnknown {
			continue
		}
		if faults && m.rng.chance(20) { // the lookup fails: still unknown
			m.srv.FailNext(p.route("history", "/v2/transactions/info"), 2, cryptopaytest.Failure{Status: http.StatusServiceUnavailable})
		}
		m.shop.settle(m.ctx, p)
		if p.state == payoutNotSent {
			if !faults || m.rng.chance(50) {
				p.final = true
			} else {
				p.state = payoutPlanned
			}
		}
		m.log("%s: %s", p, p.trace[len(p.trace)-1])
	}
}

// drain heals everything and lets the shop catch up: the network
// delivers, the function works, the held callbacks arrive, blocks are
// mined, the replay runs and every payout is settled. Then it pays one
// order in the mempool, which must stay uncredited.
func (m *sim) drain() {
	m.net.faulty, m.shop.failPct = false, 0
	m.net.release()
	for round := range 8 {
		m.mine(1)
		m.replay(false)
		m.settleUnknown(false)
		m.sendPlanned(false)
		for _, p := range m.shop.payouts {
			if p.state == payoutPlanned && round >= 5 {
				p.state, p.final = payoutNotSent, true // refused every time: given up
				p.note("given up")
			}
		}
	}
	if len(m.orders) > 0 {
		m.deposit0()
		m.replay(false)
	}
	m.log("drained")
}

// deposit0 pays the first order with a payment in the mempool.
func (m *sim) deposit0() {
	o := m.orders[0]
	tx := fmt.Sprintf("late%060x", m.chain.height)
	d := &simDeposit{key: simPaymentKey(o.currency, o.address, tx), order: o.id, currency: o.currency,
		amount: cryptopay.NewAmount(12_345), height: m.chain.height}
	m.chain.deposits = append(m.chain.deposits, d)
	m.chain.byKey[d.key] = d
	_, err := m.srv.Deposit(m.ctx, cryptopaytest.DepositParams{Address: o.address, Amount: d.amount, TxID: tx})
	require.NoError(m.t, err)
}

// check returns every broken invariant, each in one line.
func (m *sim) check() []string {
	problems := m.checkPayments()
	for _, p := range m.shop.payouts {
		problems = append(problems, m.checkPayout(p)...)
	}
	if n := m.set.notYetFailures; n > 0 {
		problems = append(problems, fmt.Sprintf(`"not yet" reported as a failure %d times`, n))
	}
	return append(problems, m.checkAlphaPoBalance()...)
}

// checkPayments: every confirmed payment credited exactly once, to its
// order, with its amount; nothing credited that was unconfirmed when
// credited, or never paid.
func (m *sim) checkPayments() []string {
	var problems []string
	for _, d := range m.chain.deposits {
		required := int(m.set.policy.Required(d.currency))
		confs := m.chain.confirmations(d.key)
		c := m.shop.credits[d.key]
		switch {
		case c == nil && confs >= required:
			problems = append(problems, fmt.Sprintf("payment %s of order %s (%d confirmations) never credited", d.key, d.order, confs))
		case c == nil:
		case c.times != 1:
			problems = append(problems, fmt.Sprintf("payment %s of order %s credited %d times", d.key, d.order, c.times))
		case c.order != d.order || c.value.Cmp(d.amount) != 0:
			problems = append(problems, fmt.Sprintf("payment %s of order %s (%s) credited to order %q (%s)", d.key, d.order, d.amount, c.order, c.value))
		case c.confs < required:
			problems = append(problems, fmt.Sprintf("payment %s of order %s credited at %d confirmations, %d required", d.key, d.order, c.confs, required))
		}
	}
	for key := range m.shop.credits {
		if m.chain.byKey[key] == nil {
			problems = append(problems, fmt.Sprintf("credited %s, never paid", key))
		}
	}
	return problems
}

// checkPayout: sent at most once; sent once if the shop says sent, never
// if it says not sent; nothing left unknown.
func (m *sim) checkPayout(p *simPayout) []string {
	made, err := m.executed(p)
	require.NoError(m.t, err)
	var problem string
	switch {
	case made > 1:
		problem = fmt.Sprintf("sent %d times", made)
	case p.state == payoutSent && made != 1:
		problem = "the shop says sent, the provider made none"
	case p.state == payoutNotSent && made != 0:
		problem = "the shop settled it as not sent, the provider made it"
	case p.state != payoutSent && p.state != payoutNotSent:
		problem = "left " + p.state.String()
	}
	if problem == "" {
		return nil
	}
	return []string{fmt.Sprintf("%s: %s (%s)", p, problem, strings.Join(p.trace, "; "))}
}

// executed counts the payout's payments as the provider made them: the
// Apirone payments to its address, the AlphaPo withdrawals under each
// foreign_id its attempts used.
func (m *sim) executed(p *simPayout) (int, error) {
	if p.transfer != nil {
		page, err := p.from.History(m.ctx, &cryptopay.HistoryParams{ItemType: cryptopay.ItemPayment, Address: p.transfer.Destinations[0].Address, Limit: 100})
		if err != nil {
			return 0, err
		}
		return len(page.Items), nil
	}
	made := 0
	for _, id := range p.ids {
		_, err := m.set.ap.TransactionInfo(m.ctx, &cryptopay.AlphaPoTransactionInfoParams{ForeignID: id})
		simFound, err := simFound(err)
		if err != nil {
			return 0, err
		}
		if simFound {
			made++
		}
	}
	return made, nil
}

// checkAlphaPoBalance: the AlphaPo balance is the funding less each
// withdrawal the shop says it sent, with the fake's 1 % fee.
func (m *sim) checkAlphaPoBalance() []string {
	want := new(big.Rat).Set(m.funding)
	for _, p := range m.shop.payouts {
		if p.withdraw != nil && p.state == payoutSent {
			want.Sub(want, new(big.Rat).Mul(p.withdraw.Amount.Rat(), big.NewRat(101, 100)))
		}
	}
	if got := m.alphaPoBalance(); got.Cmp(want) != 0 {
		return []string{fmt.Sprintf("AlphaPo LTC balance %s, the withdrawals the shop sent leave %s", got.FloatString(8), want.FloatString(8))}
	}
	return nil
}

// alphaPoBalance returns the AlphaPo LTC balance.
func (m *sim) alphaPoBalance() *big.Rat {
	list, err := m.set.ap.Balances(m.ctx)
	require.NoError(m.t, err)
	for _, b := range list {
		if b.Currency == "LTC" {
			return b.Balance.Rat()
		}
	}
	m.t.Fatal("no AlphaPo LTC balance")
	return nil
}

// summary says what the run did.
func (m *sim) summary() string {
	states := map[simPayoutState]int{}
	for _, p := range m.shop.payouts {
		states[p.state]++
	}
	replayed := 0
	for _, c := range m.shop.credits {
		if c.replayed {
			replayed++
		}
	}
	return fmt.Sprintf("%d steps, %d orders, %d payments, %d credited (%d by a replay), %d function calls, height %d; callbacks %v (delivered, missed, answer lost, held, duplicated); payouts: %d sent, %d not sent",
		len(m.steps), len(m.orders), len(m.chain.deposits), len(m.shop.credits), replayed, m.shop.calls, m.chain.height, m.net.fates, states[payoutSent], states[payoutNotSent])
}
