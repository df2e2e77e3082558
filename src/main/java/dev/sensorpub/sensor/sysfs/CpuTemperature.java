package dev.sensorpub.sensor.sysfs;

import dev.sensorpub.sensor.Quantity;
import dev.sensorpub.sensor.Reading;
import dev.sensorpub.sensor.Sensor;
import dev.sensorpub.sensor.SensorReadException;
import java.nio.file.Path;
import java.util.List;

/** The SoC temperature from {@code <thermal base>/thermal_zone<N>/temp} (millidegrees C). */
public final class CpuTemperature implements Sensor {
    private final List<Quantity> quantities;
    private final MilliUnitsFile temp;

    public CpuTemperature(Path thermalBase, int zone, String unit) {
        this.quantities = List.of(Quantity.analog("temperature", unit));
        this.temp = new MilliUnitsFile(thermalBase.resolve("thermal_zone" + zone).resolve("temp"));
    }

    @Override
    public List<Quantity> quantities() {
        return quantities;
    }

    @Override
    public void read(Reading out) throws SensorReadException {
        out.set(0, temp.read());
    }

    @Override
    public void close() {
        temp.close();
    }
}
