package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
)

// The photos of the projects on the demo's open ballot are drawn here: simple scenes (a sky,
// a ground, the project's motif in flat shapes) whose alternative texts say what they show.
// They go through the carrier's upload like any photo.

// demoPhoto is the picture of one demo project and its alternative text.
type demoPhoto struct {
	motif       string // what is drawn in the foreground
	sky, ground color.RGBA
	alt         string
}

var (
	skyBlue   = color.RGBA{150, 196, 235, 255}
	skyDawn   = color.RGBA{246, 190, 140, 255}
	skyGrey   = color.RGBA{196, 205, 214, 255}
	grass     = color.RGBA{98, 156, 84, 255}
	field     = color.RGBA{176, 150, 92, 255}
	asphalt   = color.RGBA{110, 112, 118, 255}
	pavement  = color.RGBA{190, 180, 166, 255}
	wood      = color.RGBA{150, 104, 62, 255}
	brick     = color.RGBA{168, 84, 60, 255}
	white     = color.RGBA{248, 248, 244, 255}
	navy      = color.RGBA{34, 58, 110, 255}
	leaf      = color.RGBA{46, 120, 62, 255}
	tomato    = color.RGBA{214, 64, 48, 255}
	yellow    = color.RGBA{240, 196, 60, 255}
	screen    = color.RGBA{70, 140, 200, 255}
	darkGrey  = color.RGBA{50, 52, 58, 255}
	orange    = color.RGBA{232, 128, 40, 255}
	lightWood = color.RGBA{214, 180, 130, 255}
)

// demoPhotos are the pictures of currentBallot, in its order.
var demoPhotos = []demoPhoto{
	{"truck", skyBlue, field, "Illustration : un petit camion-épicerie blanc aux caisses de légumes colorées, arrêté sur une route de campagne sous un ciel bleu."},
	{"shelves", skyGrey, pavement, "Illustration : des étagères en bois chargées de meubles et d'objets réparés, devant un mur gris clair."},
	{"garden", skyBlue, grass, "Illustration : des rangées de salades et de plants de tomates dans un jardin partagé, au pied d'immeubles, sous le soleil."},
	{"cups", skyDawn, wood, "Illustration : deux tasses fumantes posées sur une table en bois, dans la lumière orangée d'une fin de journée."},
	{"car", skyGrey, asphalt, "Illustration : une voiture bleue capot levé dans un garage, à côté d'une caisse à outils jaune."},
	{"screens", skyGrey, lightWood, "Illustration : trois écrans d'ordinateur allumés sur une longue table en bois, dans une salle claire."},
	{"jars", skyDawn, wood, "Illustration : des bocaux de conserves rouges, jaunes et verts alignés sur une étagère en bois."},
	{"houses", skyBlue, grass, "Illustration : une maison de briques au toit sombre entourée de deux petites maisons, avec un jardin commun."},
	{"boxes", skyBlue, asphalt, "Illustration : une camionnette de collecte chargée de cartons et de meubles, devant un entrepôt du littoral."},
	{"trays", skyBlue, lightWood, "Illustration : des plateaux de cantine avec des légumes frais et du pain, posés sur une table."},
	{"tent", skyDawn, grass, "Illustration : un chapiteau de festival rayé rouge et blanc, avec des guirlandes de fanions, sur une pelouse."},
	{"bikes", skyBlue, field, "Illustration : deux vélos électriques garés près d'une borne de recharge, au bord d'un chemin de campagne."},
}

// photoWidth and photoHeight are the size of the drawn pictures (3:2, like a camera's).
const photoWidth, photoHeight = 1200, 800

// drawDemoPhoto draws the picture of p and returns it as a JPEG.
func drawDemoPhoto(p demoPhoto) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, photoWidth, photoHeight))
	horizon := photoHeight * 3 / 5
	// The sky lightens toward the horizon; the ground darkens toward the viewer.
	for y := 0; y < photoHeight; y++ {
		var c color.RGBA
		if y < horizon {
			c = mix(p.sky, white, float64(y)/float64(horizon)*0.6)
		} else {
			c = mix(p.ground, darkGrey, float64(y-horizon)/float64(photoHeight-horizon)*0.35)
		}
		for x := 0; x < photoWidth; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	if p.sky == skyBlue || p.sky == skyDawn {
		circle(img, 1000, 150, 70, mix(yellow, white, 0.3))
	}
	g := horizon
	switch p.motif {
	case "truck":
		rect(img, 300, g-150, 720, g+40, white)
		rect(img, 720, g-90, 860, g+40, navy)
		rect(img, 745, g-75, 830, g-30, screen)
		for i, c := range []color.RGBA{tomato, leaf, yellow, orange} {
			rect(img, 330+i*95, g-110, 410+i*95, g-40, c)
		}
		circle(img, 400, g+50, 45, darkGrey)
		circle(img, 780, g+50, 45, darkGrey)
	case "shelves", "jars":
		for row := 0; row < 3; row++ {
			y := 140 + row*180
			rect(img, 150, y+130, 1050, y+150, wood)
			for i := 0; i < 7; i++ {
				c := []color.RGBA{tomato, yellow, leaf, orange, navy, brick, lightWood}[(i+row)%7]
				if p.motif == "jars" {
					rect(img, 180+i*125, y+40, 270+i*125, y+130, c)
					rect(img, 190+i*125, y+25, 260+i*125, y+40, darkGrey)
				} else {
					rect(img, 175+i*125, y+10+(i%3)*20, 285+i*125, y+130, c)
				}
			}
		}
	case "garden":
		for i := 0; i < 4; i++ {
			rect(img, 60+i*300, 120, 250+i*300, g, mix(brick, skyGrey, 0.3))
			for w := 0; w < 4; w++ {
				rect(img, 90+i*300+w*40, 160, 115+i*300+w*40, g-40, mix(screen, white, 0.5))
			}
		}
		for row := 0; row < 3; row++ {
			for i := 0; i < 9; i++ {
				x, y := 80+i*130+row*30, g+50+row*90
				if row == 1 {
					rect(img, x-4, y-70, x+4, y+20, leaf)
					circle(img, x, y-40, 16, tomato)
				} else {
					circle(img, x, y, 34, mix(leaf, yellow, 0.25))
				}
			}
		}
	case "cups":
		rect(img, 0, g, photoWidth, photoHeight, wood)
		for i, x := range []int{430, 770} {
			rect(img, x-90, g+20, x+90, g+200, []color.RGBA{white, navy}[i])
			circle(img, x+115, g+100, 40, []color.RGBA{white, navy}[i])
			circle(img, x+115, g+100, 22, wood)
			for s := 0; s < 3; s++ {
				rect(img, x-40+s*40, g-140+s*10, x-30+s*40, g, mix(white, p.sky, 0.4))
			}
		}
	case "car":
		rect(img, 0, 60, photoWidth, g-60, mix(skyGrey, darkGrey, 0.2))
		rect(img, 250, g-80, 850, g+90, navy)
		rect(img, 350, g-170, 720, g-80, navy)
		rect(img, 380, g-150, 690, g-95, screen)
		rect(img, 180, g-210, 330, g-80, mix(navy, white, 0.25)) // the bonnet, up
		circle(img, 380, g+100, 60, darkGrey)
		circle(img, 720, g+100, 60, darkGrey)
		rect(img, 930, g+20, 1110, g+120, yellow)
		rect(img, 990, g-10, 1050, g+20, darkGrey)
	case "screens":
		rect(img, 0, g, photoWidth, photoHeight, lightWood)
		for i := 0; i < 3; i++ {
			x := 170 + i*330
			rect(img, x, g-250, x+260, g-80, darkGrey)
			rect(img, x+15, g-235, x+245, g-95, mix(screen, white, float64(i)*0.2))
			rect(img, x+115, g-80, x+145, g, darkGrey)
			rect(img, x+60, g+30, x+200, g+60, darkGrey)
		}
	case "houses":
		house(img, 470, g+60, 280, 240, brick)
		house(img, 180, g+60, 180, 150, mix(brick, white, 0.3))
		house(img, 900, g+60, 180, 150, mix(brick, yellow, 0.3))
		for i := 0; i < 10; i++ {
			circle(img, 80+i*115, g+130, 30, leaf)
		}
	case "boxes":
		rect(img, 650, 140, 1150, g, skyGrey)
		rect(img, 700, 250, 1100, g, mix(skyGrey, darkGrey, 0.3))
		rect(img, 150, g-200, 600, g+60, white)
		for i := 0; i < 3; i++ {
			rect(img, 180+i*130, g-170, 290+i*130, g-60, lightWood)
		}
		circle(img, 240, g+70, 45, darkGrey)
		circle(img, 520, g+70, 45, darkGrey)
	case "trays":
		rect(img, 0, g-40, photoWidth, photoHeight, lightWood)
		for i := 0; i < 3; i++ {
			x := 120 + i*350
			rect(img, x, g+10, x+300, g+210, mix(navy, white, 0.55))
			circle(img, x+80, g+80, 50, white)
			circle(img, x+80, g+80, 30, leaf)
			circle(img, x+210, g+80, 45, white)
			circle(img, x+210, g+80, 25, tomato)
			rect(img, x+40, g+150, x+260, g+185, mix(lightWood, brick, 0.4))
		}
	case "tent":
		for i := 0; i < 8; i++ {
			c := white
			if i%2 == 0 {
				c = tomato
			}
			rect(img, 300+i*75, g-220, 375+i*75, g+80, c)
		}
		triangle(img, 260, g-220, 940, g-220, 600, g-400, tomato)
		for i := 0; i < 14; i++ {
			x := 40 + i*80
			triangle(img, x, 90, x+50, 90, x+25, 140, []color.RGBA{yellow, navy, leaf, orange}[i%4])
		}
	case "bikes":
		rect(img, 850, g-260, 930, g+60, darkGrey)
		rect(img, 865, g-230, 915, g-180, leaf)
		for i, x := range []int{250, 560} {
			c := []color.RGBA{leaf, navy}[i]
			ring(img, x, g+40, 70, 10, darkGrey)
			ring(img, x+220, g+40, 70, 10, darkGrey)
			line(img, x, g+40, x+110, g-60, 10, c)
			line(img, x+110, g-60, x+220, g+40, 10, c)
			line(img, x+100, g-100, x+110, g-60, 10, c)
			rect(img, x+80, g-110, x+130, g-95, darkGrey)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

func rect(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	r := image.Rect(x0, y0, x1, y1).Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func circle(img *image.RGBA, cx, cy, r int, c color.RGBA) { ring(img, cx, cy, r, r, c) }

// ring fills the points whose distance to (cx, cy) is between r-width and r.
func ring(img *image.RGBA, cx, cy, r, width int, c color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			if d <= r*r && d >= (r-width)*(r-width) && image.Pt(x, y).In(img.Bounds()) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// line draws a thick segment.
func line(img *image.RGBA, x0, y0, x1, y1, width int, c color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0))
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*i/max(n, 1)
		y := y0 + (y1-y0)*i/max(n, 1)
		circle(img, x, y, width/2, c)
	}
}

// triangle fills the triangle of three points.
func triangle(img *image.RGBA, ax, ay, bx, by, cx, cy int, c color.RGBA) {
	minX, maxX := min(ax, bx, cx), max(ax, bx, cx)
	minY, maxY := min(ay, by, cy), max(ay, by, cy)
	side := func(px, py, qx, qy, x, y int) int { return (qx-px)*(y-py) - (qy-py)*(x-px) }
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			d1, d2, d3 := side(ax, ay, bx, by, x, y), side(bx, by, cx, cy, x, y), side(cx, cy, ax, ay, x, y)
			neg, pos := d1 < 0 || d2 < 0 || d3 < 0, d1 > 0 || d2 > 0 || d3 > 0
			if !(neg && pos) && image.Pt(x, y).In(img.Bounds()) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// house draws a house of width w and height h (its roof included) standing at (x, ground).
func house(img *image.RGBA, x, ground, w, h int, c color.RGBA) {
	wall := h * 3 / 5
	rect(img, x, ground-wall, x+w, ground, c)
	triangle(img, x-15, ground-wall, x+w+15, ground-wall, x+w/2, ground-h, darkGrey)
	rect(img, x+w/2-25, ground-80, x+w/2+25, ground, darkGrey)
	rect(img, x+20, ground-wall+30, x+70, ground-wall+80, mix(screen, white, 0.4))
	rect(img, x+w-70, ground-wall+30, x+w-20, ground-wall+80, mix(screen, white, 0.4))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
