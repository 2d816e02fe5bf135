# Wall time per scenario and contender, median with the min-max of the runs as error bars.
# Called by bench/render.ts:  gnuplot -e "dat='bench/benchmarks.dat'; out='bench/benchmarks.png'; runs='5 runs'; label='shop app, 5 gunicorn workers'" bench/benchmarks.gp
# benchmarks.dat: a tab-separated row per scenario (its label, then median min max per
# contender, in seconds); the last row is the fleet scenario, drawn on its own scale.
set terminal pngcairo size 1300,560 font "sans,11"
set output out
set datafile separator "\t"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.2
set style fill solid 0.85 border -1
set grid ytics lc rgb "#dddddd"
set yrange [0:*]
# Headroom above the tallest error bar.
set offsets 0, 0, graph 0.06, 0
set ylabel "wall time, s (median; bars: min-max)"
set key top left
set multiplot layout 1,2 title "deploy vs Fabric, Capistrano and a bare script (".label.", ".runs.", interleaved)" font ",13"
set size 0.74,0.92
set origin 0,0
plot dat every ::0::4 using 2:3:4:xtic(1) title "deploy" lc rgb "#1b7837", \
     '' every ::0::4 using 5:6:7 title "Fabric 2" lc rgb "#2166ac", \
     '' every ::0::4 using 8:9:10 title "Capistrano 3" lc rgb "#b2182b", \
     '' every ::0::4 using 11:12:13 title "bare script" lc rgb "#999999"
set size 0.26,0.92
set origin 0.74,0
unset ylabel
set key off
plot dat every ::5::5 using 2:3:4:xtic(1) lc rgb "#1b7837", \
     '' every ::5::5 using 5:6:7 lc rgb "#2166ac", \
     '' every ::5::5 using 8:9:10 lc rgb "#b2182b", \
     '' every ::5::5 using 11:12:13 lc rgb "#999999"
unset multiplot
