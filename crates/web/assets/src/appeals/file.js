// The filing page, enhanced: only the chosen category's fields are shown (and
// required), and "use my position" fills the place from the phone's GPS
// (WGS-84). Without this script every category's fields are listed and the
// server takes only the chosen one's.

const form = document.querySelector("[data-appeal-form]");
if (form) {
  const select = form.querySelector("[data-category-select]");
  const groups = form.querySelectorAll("[data-category-fields]");
  const show = () => {
    for (const group of groups) {
      const chosen = group.getAttribute("data-category-fields") === select.value;
      group.hidden = !chosen;
      for (const input of group.querySelectorAll("input, select")) {
        input.disabled = !chosen;
        input.required = chosen;
      }
    }
  };
  select.addEventListener("change", show);
  show();

  const locate = form.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    locate.addEventListener("click", () => {
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
          form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(6);
          form.querySelector("[name=datum]").value = "wgs84";
          locate.disabled = false;
        },
        () => {
          locate.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 10000 },
      );
    });
  } else if (locate) {
    locate.hidden = true;
  }
}
