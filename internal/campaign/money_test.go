package campaign

import (
	"errors"
	"math"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"352151", 35215100, nil},
		{"352 151", 35215100, nil},
		{"352\u00a0151", 35215100, nil},
		{"352\u202f151\u00a0€", 35215100, nil}, // as i18n.Money writes it
		{"352 151 €", 35215100, nil},
		{"352151,50", 35215150, nil},
		{"352 151,5", 35215150, nil},
		{"12500.5", 1250050, nil},
		{"12500.05", 1250005, nil},
		{"€12,500.50", 1250050, nil},
		{"1.234.567", 123456700, nil},
		{"1.234,56", 123456, nil},
		{"1,234,567.89", 123456789, nil},
		{"  4500  ", 450000, nil},
		{"4 500 euros", 450000, nil},
		{"EUR 10", 1000, nil},
		{"10 eur", 1000, nil},
		{"0", 0, nil},
		{"0,01", 1, nil},
		{"007", 700, nil},
		{"-5", -500, nil},
		{"- 5,50 €", -550, nil},
		{"+5", 500, nil},
		{"10000000000000", MaxMoneyCents, nil},
		{"", 0, ErrEmpty},
		{"  € ", 0, ErrEmpty},
		{"4,500", 0, ErrAmbiguous},
		{"352.151", 0, ErrAmbiguous},
		{"10000000000000,01", 0, ErrTooLarge},
		{"99999999999999999999999", 0, ErrTooLarge},
		{"abc", 0, ErrSyntax},
		{"12,345,6", 0, ErrSyntax},
		{"1,5.3", 0, ErrSyntax},
		{"12,", 0, ErrSyntax},
		{",50", 0, ErrSyntax},
		{"1.2345", 0, ErrSyntax},
		{"1 2345", 0, ErrSyntax},
		{"12 34", 0, ErrSyntax},
		{"1234 567", 0, ErrSyntax},
		{"1  234", 0, ErrSyntax},
		{"1 234.567", 0, ErrSyntax},
		{"1.234 567", 0, ErrSyntax},
		{"1,234.567", 0, ErrSyntax},
		{"12€50", 0, ErrSyntax},
		{"--5", 0, ErrSyntax},
		{"١٢٣", 0, ErrSyntax}, // Arabic-Indic digits
		{"1e6", 0, ErrSyntax},
		{"0x10", 0, ErrSyntax},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseMoney(%q) = %d, %v; want error %v", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestMoneyInputRoundTrip(t *testing.T) {
	for _, c := range []int64{0, 1, 99, 100, 450000, 35215100, 35215150, 1250005, -550, MaxMoneyCents} {
		s := MoneyInput(c)
		got, err := ParseMoney(s)
		if err != nil || got != c {
			t.Errorf("ParseMoney(MoneyInput(%d) = %q) = %d, %v", c, s, got, err)
		}
	}
	if got := MoneyInput(35215150); got != "352 151,50" {
		t.Errorf("MoneyInput = %q", got)
	}
	if got := MoneyInput(math.MinInt64); got == "" {
		t.Error("MoneyInput(MinInt64) is empty")
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10", 1000, true},
		{"12,5", 1250, true},
		{"12.5", 1250, true},
		{"7,25 %", 725, true},
		{"20%", 2000, true},
		{"0", 0, true},
		{"100", 10000, true},
		{"0,01", 1, true},
		{"150", 15000, true}, // parses; Validate refuses it
		{"-5", -500, true},
		{"", 0, false},
		{"%", 0, false},
		{"12,345", 0, false},
		{"12,", 0, false},
		{",5", 0, false},
		{"1,2,3", 0, false},
		{"dix", 0, false},
		{"99999999999", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, bp := range []int64{0, 1, 10, 725, 1000, 1250, 10000, -500} {
		if got, err := ParseRate(RateInput(bp)); err != nil || got != bp {
			t.Errorf("ParseRate(RateInput(%d) = %q) = %d, %v", bp, RateInput(bp), got, err)
		}
	}
	if RateInput(1250) != "12,5" || RateInput(1000) != "10" {
		t.Errorf("RateInput: %q %q", RateInput(1250), RateInput(1000))
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"352 151", "352151,50", "352 151 €", "12500.5", "€12,500.50",
		"1.234,56", "4,500", "-5", "", "\u202f", "9999999999999999999", "1 2 3", "EUR"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseMoney(s)
		if err != nil {
			return
		}
		if c > MaxMoneyCents || c < -MaxMoneyCents {
			t.Fatalf("ParseMoney(%q) = %d, beyond the limit", s, c)
		}
		// What is accepted is read back the same after formatting.
		if back, err := ParseMoney(MoneyInput(c)); err != nil || back != c {
			t.Fatalf("ParseMoney(%q) = %d, but MoneyInput gives %q → %d, %v", s, c, MoneyInput(c), back, err)
		}
	})
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"10", "12,5", "7.25 %", "", "-1", "1,2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bp, err := ParseRate(s)
		if err != nil {
			return
		}
		if back, err := ParseRate(RateInput(bp)); err != nil || back != bp {
			t.Fatalf("ParseRate(%q) = %d, RateInput round trip gives %d, %v", s, bp, back, err)
		}
	})
}
