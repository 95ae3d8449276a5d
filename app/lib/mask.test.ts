import { describe, expect, it } from "vitest";
import { maskAddress, maskEmail, maskName, maskPhone, maskText } from "./mask";

describe("maskEmail", () => {
  it("keeps the first letters and the top-level domain", () => {
    expect(maskEmail("jane.doe@example.com")).toBe("j***@e***.com");
    expect(maskEmail("Paul.Schmidt195@mail.example.org")).toBe("P***@m***.org");
    expect(maskEmail("  x@y.de ")).toBe("x***@y***.de");
  });

  it("hides anything that is not a complete address; empty stays empty", () => {
    expect(maskEmail("not-an-email")).toBe("***");
    expect(maskEmail("@example.com")).toBe("***");
    expect(maskEmail("jane@")).toBe("***");
    expect(maskEmail("jane@localhost")).toBe("j***@l***");
    expect(maskEmail("")).toBeNull();
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail(undefined)).toBeNull();
  });
});

describe("maskPhone", () => {
  it("keeps the last two digits of a full number", () => {
    expect(maskPhone("+495080474291")).toBe("***91");
    expect(maskPhone("+49 (30) 123-45 67")).toBe("***67");
  });

  it("hides short numbers entirely", () => {
    expect(maskPhone("12345")).toBe("***");
    expect(maskPhone("n/a")).toBe("***");
    expect(maskPhone(" ")).toBeNull();
    expect(maskPhone(null)).toBeNull();
  });
});

describe("maskName", () => {
  it("keeps initials", () => {
    expect(maskName("Jane Doe")).toBe("J. D.");
    expect(maskName("  jane   van   doe ")).toBe("J. V. D.");
    expect(maskName("Ömer Çelik")).toBe("Ö. Ç.");
    expect(maskName("Jane")).toBe("J.");
  });

  it("empty stays empty", () => {
    expect(maskName("")).toBeNull();
    expect(maskName("   ")).toBeNull();
    expect(maskName(null)).toBeNull();
  });
});

describe("maskAddress", () => {
  it("keeps the region; hides name, street, zip and phone", () => {
    const address = {
      name: "Jane Doe",
      address1: "Hauptstraße 37",
      address2: "2. OG",
      city: "Berlin",
      province: "Berlin",
      zip: "10115",
      country: "Germany",
      countryCode: "DE",
      phone: "+4930123456",
    };
    expect(maskAddress(address)).toEqual({
      name: null,
      address1: null,
      address2: null,
      city: "Berlin",
      province: "Berlin",
      zip: null,
      country: "Germany",
      countryCode: "DE",
      phone: null,
    });
    expect(maskAddress(null)).toBeNull();
  });

  it("hides fields it does not know", () => {
    expect(maskAddress({ city: "Wien", company: "Doe GmbH" })).toEqual({ city: "Wien", company: null });
  });
});

describe("maskText", () => {
  const known = { names: ["Jane Doe"], emails: ["jane.doe7@example.com"], phones: ["+4930123456"], addressParts: ["Hauptstraße 37", "10115"] };

  it("masks a customer's name and email inside Shopify's event messages", () => {
    expect(maskText("Order confirmation email was sent to Jane Doe (jane.doe7@example.com).", known)).toBe(
      "Order confirmation email was sent to J. D. (j***@e***.com).",
    );
    expect(maskText("Jane requested a return of 2 items.", known)).toBe("J. requested a return of 2 items.");
    expect(maskText("Call +4930123456 at Hauptstraße 37, 10115", known)).toBe("Call ***56 at [address], [address]");
  });

  it("matches whole words only, any case, and masks unknown emails too", () => {
    expect(maskText("Doesn't mention DOE, Janet or janet@other.org", known)).toBe("Doesn't mention D., Janet or j***@o***.org");
    expect(maskText("Tracking added: DHL 1234567890", known)).toBe("Tracking added: DHL 1234567890");
  });

  it("a name part never eats into an email", () => {
    expect(maskText("Sent to jane.doe7@example.com", { names: ["Jane Doe"], emails: [] })).toBe("Sent to j***@e***.com");
  });

  it("handles names outside ASCII", () => {
    expect(maskText("Tobias Krüger placed this order; Krüger called.", { names: ["Tobias Krüger"] })).toBe("T. K. placed this order; K. called.");
  });

  it("null stays null", () => {
    expect(maskText(null, known)).toBeNull();
  });
});
