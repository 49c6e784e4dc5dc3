// Validation MAE per epoch of the runs in this folder, one line each, into val_mae.png.
// Run from the repository root after a build:
//   jshell --class-path "$(ls xtal-cli/target/lib/xchart-*.jar)" docs/performance/kernel-curve/plot.jsh
import java.nio.file.*;
import java.util.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.markers.SeriesMarkers;

Path dir = Paths.get("docs/performance/kernel-curve");
XYChart chart = new XYChartBuilder().width(760).height(480).title("perov_5, 600 training / 200 validation cells, batch 32: fused kernel vs dense path").xAxisTitle("epoch").yAxisTitle("validation MAE, heat_ref (eV/atom)").build();
for (String run : List.of("fused-seed7", "dense-seed7", "fused-seed8")) {
    List<String> lines = Files.readAllLines(dir.resolve(run + ".csv"));
    List<String> head = Arrays.asList(lines.get(0).split(","));
    int col = head.indexOf("val_mae_heat_ref");
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
        String[] f = l.split(",");
        x.add(Double.parseDouble(f[0]));
        y.add(Double.parseDouble(f[col]));
    }
    XYSeries s = chart.addSeries(run, x, y);
    s.setMarker(run.startsWith("dense") ? SeriesMarkers.CROSS : SeriesMarkers.CIRCLE);
}
BitmapEncoder.saveBitmap(chart, dir.resolve("val_mae").toString(), BitmapEncoder.BitmapFormat.PNG);
System.out.println("wrote " + dir.resolve("val_mae.png"));
/exit
