package cryptopay

import (
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAmountHugeExact(t *testing.T) {
	const wei = "123456789012345678901234"
	for _, in := range []string{wei, `"` + wei + `"`} {
		var a Amount
		require.NoError(t, json.Unmarshal([]byte(in), &a), in)
		assert.Equal(t, wei, a.String())
		_, fits := a.Int64()
		assert.False(t, fits)
		want, _ := new(big.Int).SetString(wei, 10)
		assert.Equal(t, 0, a.BigInt().Cmp(want))
		out, err := json.Marshal(a)
		require.NoError(t, err)
		assert.Equal(t, wei, string(out))
	}
}

func TestAmountSmall(t *testing.T) {
	var a Amount
	require.NoError(t, json.Unmarshal([]byte(`-10000`), &a))
	n, ok := a.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(-10000), n)
	assert.Equal(t, -1, a.Sign())
	assert.Equal(t, NewAmount(-10000), a)
	assert.Equal(t, NewAmount(0), AmountFromBig(big.NewInt(0)))
	assert.Equal(t, "9223372036854775808", NewAmount(9223372036854775807).Add(NewAmount(1)).String())
	assert.Equal(t, NewAmount(5), MustAmount("9223372036854775812").Sub(MustAmount("9223372036854775807")))
	assert.Equal(t, 1, MustAmount("99999999999999999999").Cmp(NewAmount(3)))
	assert.Equal(t, 0, NewAmount(3).Cmp(NewAmount(3)))
}

func TestAmountRejects(t *testing.T) {
	for _, in := range []string{`1.5`, `1e3`, `"abc"`, `""`, `"+5"`, `true`, `{}`, `[]`, `"1 000"`} {
		var a Amount
		assert.Error(t, json.Unmarshal([]byte(in), &a), in)
	}
	var a Amount
	require.NoError(t, json.Unmarshal([]byte(`null`), &a))
	assert.Equal(t, "0", a.String())
}

func TestDecimal(t *testing.T) {
	for in, want := range map[string]string{
		`"0.01000000"`: "0.01000000",
		`0.01000000`:   "0.01000000",
		`"12"`:         "12",
		`-0.5`:         "-0.5",
	} {
		var d Decimal
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, d.String())
		out, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Equal(t, `"`+want+`"`, string(out))
	}
	for _, in := range []string{`"1."`, `".5"`, `"1e5"`, `"abc"`, `true`, `"1,5"`} {
		var d Decimal
		assert.Error(t, json.Unmarshal([]byte(in), &d), in)
	}
	assert.Equal(t, 0, MustDecimal("1.50").Cmp(MustDecimal("1.5")))
	assert.Equal(t, "0", Decimal{}.String())
	assert.Equal(t, 1, MustDecimal("0.00000001").Sign())
}

func TestTimeRoundTrip(t *testing.T) {
	const in = `"2021-11-03T11:03:55.083199"`
	var tm Time
	require.NoError(t, json.Unmarshal([]byte(in), &tm))
	assert.Equal(t, time.Date(2021, 11, 3, 11, 3, 55, 83199000, time.UTC), tm.Time)
	assert.Equal(t, time.UTC, tm.Location())
	out, err := json.Marshal(tm)
	require.NoError(t, err)
	assert.Equal(t, in, string(out))

	require.NoError(t, json.Unmarshal([]byte(`"2022-10-13T00:00:01"`), &tm))
	assert.Equal(t, time.Date(2022, 10, 13, 0, 0, 1, 0, time.UTC), tm.Time)

	require.NoError(t, json.Unmarshal([]byte(`"2022-10-15T00:00:01+04:00"`), &tm))
	assert.Equal(t, time.Date(2022, 10, 14, 20, 0, 1, 0, time.UTC), tm.UTC())

	var zero Time
	require.NoError(t, json.Unmarshal([]byte(`null`), &zero))
	assert.True(t, zero.IsZero())
	out, _ = json.Marshal(zero)
	assert.Equal(t, "null", string(out))
	assert.Error(t, json.Unmarshal([]byte(`"yesterday"`), &zero))

	// 9999-12-31T23:00:00-05:00 is in the year 10000 in UTC: no form to write.
	require.NoError(t, json.Unmarshal([]byte(`"9999-12-31T23:00:00-05:00"`), &tm))
	_, err = json.Marshal(tm)
	assert.ErrorContains(t, err, "year outside 0 to 9999")
}

func TestFlexIntAndTag(t *testing.T) {
	var s struct {
		N FlexInt `json:"n"`
		T Tag     `json:"t"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"n":"12","t":12}`), &s))
	assert.Equal(t, FlexInt(12), s.N)
	assert.Equal(t, Tag("12"), s.T)
	require.NoError(t, json.Unmarshal([]byte(`{"n":3,"t":null}`), &s))
	assert.Equal(t, FlexInt(3), s.N)
	assert.Equal(t, Tag(""), s.T)
	assert.Error(t, json.Unmarshal([]byte(`{"n":"x"}`), &s))
	out, _ := json.Marshal(s)
	assert.Equal(t, `{"n":3,"t":null}`, string(out))
}

func FuzzAmount(f *testing.F) {
	for _, s := range []string{`0`, `-1`, `"123456789012345678901234"`, `1.5`, `null`, `"-"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Amount
		if json.Unmarshal(data, &a) != nil {
			return
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var b Amount
		if err := json.Unmarshal(out, &b); err != nil || b.Cmp(a) != 0 {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, b, err)
		}
	})
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{`"0.01000000"`, `12`, `-0.5`, `"1e5"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Decimal
		if json.Unmarshal(data, &d) != nil {
			return
		}
		out, _ := json.Marshal(d)
		var e Decimal
		if err := json.Unmarshal(out, &e); err != nil || e.String() != d.String() {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, e, err)
		}
	})
}

func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2021-11-03T11:03:55.083199"`, `"2022-10-15T00:00:01+04:00"`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tm Time
		if json.Unmarshal(data, &tm) != nil {
			return
		}
		out, err := json.Marshal(tm)
		if y := tm.UTC().Year(); y < 0 || y > 9999 {
			if err == nil {
				t.Fatalf("%s: year %d encoded as %s", data, y, out)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var back Time
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(tm.Truncate(time.Microsecond)) {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, back, err)
		}
	})
}

func TestDecimalExponentNumbers(t *testing.T) {
	for in, want := range map[string]string{
		`1e-08`:   "0.00000001",
		`1E-8`:    "0.00000001",
		`1.5e-3`:  "0.0015",
		`-2.5e2`:  "-250",
		`12.34e1`: "123.4",
		`0e0`:     "0",
		`1e0`:     "1",
	} {
		var d Decimal
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, d.String(), in)
	}
	var d Decimal
	assert.Error(t, json.Unmarshal([]byte(`"1e-8"`), &d), "strings stay plain decimals")
	assert.Error(t, json.Unmarshal([]byte(`1e999`), &d), "exponent out of range")
}

func TestFlexString(t *testing.T) {
	for in, want := range map[string]FlexString{
		`"withdrawal:823188"`:     "withdrawal:823188",
		`164`:                     "164",
		`7.854431205445763e+76`:   "7.854431205445763e+76", // a txid in a documented example
		`null`:                    "",
		`"3950ad8149421a850d01d"`: "3950ad8149421a850d01d",
	} {
		var s FlexString
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, s, in)
	}
	var s FlexString
	assert.Error(t, json.Unmarshal([]byte(`{"a":1}`), &s))
	assert.Error(t, json.Unmarshal([]byte(`true`), &s))
	out, _ := json.Marshal(FlexString("164"))
	assert.Equal(t, `"164"`, string(out))
}

func TestUnixTime(t *testing.T) {
	want := time.Date(2019, 7, 28, 5, 52, 39, 0, time.UTC)
	for _, in := range []string{`1564293159`, `"1564293159"`} {
		var u UnixTime
		require.NoError(t, json.Unmarshal([]byte(in), &u), in)
		assert.True(t, u.Equal(want), in)
		assert.Equal(t, time.UTC, u.Location())
	}
	var u UnixTime
	require.NoError(t, json.Unmarshal([]byte(`null`), &u))
	require.NoError(t, json.Unmarshal([]byte(`""`), &u))
	assert.True(t, u.IsZero())
	assert.Error(t, json.Unmarshal([]byte(`1564293159.5`), &u))
	assert.Error(t, json.Unmarshal([]byte(`"soon"`), &u))

	out, _ := json.Marshal(UnixTime{want})
	assert.Equal(t, `1564293159`, string(out))
	out, _ = json.Marshal(UnixTime{})
	assert.Equal(t, `null`, string(out))
}

func FuzzUnixTime(f *testing.F) {
	for _, s := range []string{`1564293159`, `"1564293159"`, `null`, `-1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var u UnixTime
		if json.Unmarshal(data, &u) != nil {
			return
		}
		out, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var back UnixTime
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(u.Time) {
			t.Fatalf("%s -> %s -> %v (%v)", data, out, back, err)
		}
	})
}

func FuzzFlexString(f *testing.F) {
	for _, s := range []string{`"a"`, `164`, `null`, `1e5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s FlexString
		if json.Unmarshal(data, &s) != nil {
			return
		}
		out, _ := json.Marshal(s)
		var back FlexString
		if err := json.Unmarshal(out, &back); err != nil || back != s {
			t.Fatalf("%s -> %s -> %q (%v)", data, out, back, err)
		}
	})
}
