package io.github.twiliovaultsidecar;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetector.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SidecarApplicationTests {

	private Level level;

	private String property;

	@BeforeEach
	void remember() {
		this.level = ResourceLeakDetector.getLevel();
		this.property = System.getProperty(SidecarApplication.LEAK_DETECTION);
	}

	@AfterEach
	void restore() {
		ResourceLeakDetector.setLevel(this.level);
		if (this.property != null) {
			System.setProperty(SidecarApplication.LEAK_DETECTION, this.property);
		}
		else {
			System.clearProperty(SidecarApplication.LEAK_DETECTION);
		}
	}

	@Test
	void theServiceTurnsNettysLeakDetectionOffWhenNobodyChoseALevel() {
		System.clearProperty(SidecarApplication.LEAK_DETECTION);
		ResourceLeakDetector.setLevel(Level.SIMPLE);
		SidecarApplication.leakDetectionOffUnlessSet();
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(Level.DISABLED);
	}

	@Test
	void aLevelSetWithNettysOlderPropertyNameIsKeptToo() {
		System.clearProperty(SidecarApplication.LEAK_DETECTION);
		String legacy = System.getProperty("io.netty.leakDetectionLevel");
		System.setProperty("io.netty.leakDetectionLevel", "advanced");
		try {
			ResourceLeakDetector.setLevel(Level.ADVANCED);
			SidecarApplication.leakDetectionOffUnlessSet();
			assertThat(ResourceLeakDetector.getLevel()).isEqualTo(Level.ADVANCED);
		}
		finally {
			if (legacy != null) {
				System.setProperty("io.netty.leakDetectionLevel", legacy);
			}
			else {
				System.clearProperty("io.netty.leakDetectionLevel");
			}
		}
	}

	@Test
	void aLevelAnOperatorSetIsKept() {
		System.setProperty(SidecarApplication.LEAK_DETECTION, "paranoid");
		ResourceLeakDetector.setLevel(Level.PARANOID);
		SidecarApplication.leakDetectionOffUnlessSet();
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(Level.PARANOID);
	}

}
