package components

import (
	"math/bits"
	"strconv"
)

// BarChart is a horizontal bar chart rendered as SVG on the server: no
// script, no CDN, readable without colour (every bar carries its value as
// text) and described for screen readers by its title and the table it
// sits above.
type BarChart struct {
	Title  string
	Axis   string   // what the values are: "EUR", "% of cap", "hours"
	Series []string // legend, one name per value of each bar (at most 3)
	Bars   []Bar
}

// Bar is one labelled row of the chart: one value per series, in integer
// units (minor currency units, hundredths of a percent, seconds), each
// with its display text.
type Bar struct {
	Label    string
	Href     string
	Values   []int64
	Displays []string
}

const (
	chartWidth  = 760
	chartLabelW = 200
	chartBarW   = 440
	chartBarH   = 14
	chartGap    = 10
	chartTop    = 48
)

func (c BarChart) max() int64 {
	var m int64
	for _, b := range c.Bars {
		for _, v := range b.Values {
			m = max(m, v)
		}
	}
	return m
}

func (c BarChart) series() int { return max(1, len(c.Series)) }

func (c BarChart) rowH() int { return c.series()*chartBarH + chartGap }

func (c BarChart) height() int { return chartTop + len(c.Bars)*c.rowH() + 34 }

// scaled is v's bar length in pixels (integer arithmetic in 128 bits).
func (c BarChart) scaled(v int64) int {
	m := c.max()
	if v <= 0 || m <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(v), chartBarW)
	q, _ := bits.Div64(hi, lo, uint64(m))
	return max(1, int(q))
}

func (c BarChart) barY(i, s int) int { return chartTop + i*c.rowH() + s*chartBarH }

func (c BarChart) axisY() int { return chartTop + len(c.Bars)*c.rowH() }

// ticks are the axis marks at 0, ¼, ½, ¾ and the maximum, labelled in the
// chart's unit by format.
func (c BarChart) ticks(format func(int64) string) []tick {
	m := c.max()
	var out []tick
	for i := range 5 {
		v := m / 4 * int64(i)
		if i == 4 {
			v = m
		}
		out = append(out, tick{X: chartLabelW + chartBarW*i/4, Label: format(v)})
	}
	return out
}

type tick struct {
	X     int
	Label string
}

func px(n int) string { return strconv.Itoa(n) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// slug makes an id from a title.
func slug(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		default:
			if len(out) > 0 && out[len(out)-1] != '-' {
				out = append(out, '-')
			}
		}
	}
	return string(out)
}
